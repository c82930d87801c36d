-- grain: one row per disposition: graded units, their value at the item's cost, the disposition's recovery rate
-- (the warehouse table returns_recovery_rates, which mart_returns and mart_returns_recovery read too) and the
-- value recovered (cost value x rate, to the cent)
SELECT g.disposition, count(DISTINCT g.return_id) AS returns,
       sum(g.qty) AS units,
       CAST(sum(g.qty * coalesce(i.unit_cost, 0)) AS DECIMAL(18, 2)) AS cost_value,
       coalesce(any_value(rr.recovery_rate), 0) AS recovery_rate,
       round(CAST(sum(g.qty * coalesce(i.unit_cost, 0)) AS DECIMAL(18, 2)) * coalesce(any_value(rr.recovery_rate), 0), 2)
         AS recovery_value
FROM events_returns g
LEFT JOIN stg_items i ON i.sku = g.sku
LEFT JOIN returns_recovery_rates rr ON rr.disposition = g.disposition
WHERE g.event_type = 'return_graded'
GROUP BY ALL
ORDER BY g.disposition
