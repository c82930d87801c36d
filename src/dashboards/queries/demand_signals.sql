-- grain: one row per series flagged by demand sensing in the latest run (demand_signals), worst first: every
-- flagged series (the page counts them).
SELECT series_kind, sku, node_id, channel_id, window_start, window_end, actual_units, planned_units, upper_units,
       uplift_pct, promo_days, driver, next_demand, cover_units, shortfall_units, severity
FROM demand_signals WHERE run_id = (SELECT max(run_id) FROM demand_signals)
ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, shortfall_units DESC NULLS LAST, uplift_pct DESC
