-- grain: one row per (disposition, category) of graded returns: returns and units graded, their value at the
-- item's cost, the disposition's recovery rate (returns_recovery_rates, the warehouse's one copy) and the
-- value recovered (cost value x rate).
SELECT
  g.disposition,
  coalesce(i.category, 'uncategorised')                                      AS category,
  CAST(count(DISTINCT g.return_id) AS BIGINT)                                AS returns,
  CAST(sum(g.qty) AS BIGINT)                                                 AS units,
  CAST(sum(g.qty * coalesce(i.unit_cost, 0)) AS DECIMAL(18, 2))              AS cost_value,
  coalesce(any_value(rr.recovery_rate), 0)                                   AS recovery_rate,
  CAST(sum(g.qty * coalesce(i.unit_cost, 0)) * coalesce(any_value(rr.recovery_rate), 0) AS DECIMAL(18, 2))
                                                                             AS recovered_value
FROM events_returns g
LEFT JOIN stg_items i USING (sku)
LEFT JOIN returns_recovery_rates rr USING (disposition)
WHERE g.event_type = 'return_graded'
GROUP BY ALL
