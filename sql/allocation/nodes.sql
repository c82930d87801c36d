-- grain: one row per node (current master data)
SELECT node_id, region, can_ship, can_pickup, ship_capacity_per_day, pick_cost
FROM stg_nodes
ORDER BY node_id
