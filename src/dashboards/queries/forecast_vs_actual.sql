-- grain: one row per (day, node_id, category): the forecast (sum over sku series of the latest run made before
-- the day: mean, p10, p90) and the units actually sold. Summing series quantiles widens the band: it is an
-- upper bound on the aggregate's spread, shown as such.
WITH runs AS (SELECT run_id, origin_date FROM forecast_runs),
f AS (
  SELECT h.forecast_date AS day, h.node_id, h.sku, h.mean, h.p10, h.p90, r.origin_date,
         row_number() OVER (PARTITION BY h.forecast_date, h.node_id, h.sku ORDER BY r.origin_date DESC, r.run_id DESC) AS pick
  FROM forecast_history h JOIN runs r USING (run_id)
  WHERE h.series_kind = 'node' AND h.forecast_date > r.origin_date
),
fc AS (
  SELECT f.day, f.node_id, coalesce(i.category, 'uncategorised') AS category,
         sum(f.mean) AS forecast, sum(f.p10) AS p10, sum(f.p90) AS p90
  FROM f LEFT JOIN stg_items i USING (sku) WHERE pick = 1 GROUP BY ALL
),
actual AS (
  SELECT day, node_id, coalesce(category, 'uncategorised') AS category, sum(qty) AS actual
  FROM ledger_sales WHERE day >= (SELECT min(day) FROM fc) GROUP BY ALL
)
SELECT coalesce(fc.day, a.day) AS day, coalesce(fc.node_id, a.node_id) AS node_id,
       coalesce(fc.category, a.category) AS category,
       fc.forecast::DOUBLE AS forecast, fc.p10::DOUBLE AS p10, fc.p90::DOUBLE AS p90, a.actual::DOUBLE AS actual
FROM fc FULL JOIN actual a USING (day, node_id, category)
ORDER BY 1, 2, 3
