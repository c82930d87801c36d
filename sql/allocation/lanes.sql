-- grain: one row per lane (node_id, region) (current master data)
SELECT node_id, region, transit_days, cost_per_order, cost_per_unit
FROM stg_lanes
ORDER BY node_id, region
