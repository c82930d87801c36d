-- grain: one row per series flagged by demand sensing in the latest run (demand_signals), worst first: every
-- flagged series (the page counts them), with the item, node and channel names beside their ids.
SELECT s.series_kind, s.sku, i.name AS item_name, s.node_id, coalesce(n.name, s.node_id) AS node_name,
       s.channel_id, coalesce(c.name, s.channel_id) AS channel_name, s.window_start, s.window_end, s.actual_units,
       s.planned_units, s.upper_units, s.uplift_pct, s.promo_days, s.driver, s.next_demand, s.cover_units,
       s.shortfall_units, s.severity
FROM demand_signals s
LEFT JOIN stg_items i ON i.sku = s.sku
LEFT JOIN stg_nodes n ON n.node_id = s.node_id
LEFT JOIN stg_channels c ON c.channel_id = s.channel_id
WHERE s.run_id = (SELECT max(run_id) FROM demand_signals)
ORDER BY CASE s.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, s.shortfall_units DESC NULLS LAST,
         s.uplift_pct DESC, s.sku, s.node_id, s.channel_id
