-- grain: one row per node (current master data)
SELECT node_id, coalesce(name, node_id) AS name, node_type, region, can_ship, can_pickup,
       ship_capacity_per_day, pick_cost, carrier_cutoff
FROM stg_nodes ORDER BY node_id
