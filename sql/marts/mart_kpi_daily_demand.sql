-- grain: one row per (kpi, day, channel_id, node_id, category) of the demand KPIs (mart_kpi_definitions
-- family 'demand'): units sold, return rate, refund processing time, forecast error and band coverage.
-- Part of mart_kpi_daily.
WITH days AS MATERIALIZED (SELECT period_start AS day FROM mart_periods WHERE period_grain = 'day'),
margin AS MATERIALIZED (SELECT * FROM mart_margin_daily),
refunds AS (
  SELECT CAST(e.occurred_at AS DATE) AS day, any_value(o.channel_id) AS channel_id,
         epoch(e.occurred_at - min(r.occurred_at)) / 3600 AS hours
  FROM event_log e
  JOIN ledger_stock r ON r.event_type = 'return_received' AND r.return_id = (e.payload->>'return_id')
  LEFT JOIN (SELECT DISTINCT order_id, channel_id FROM ledger_order_lines) o ON o.order_id = (e.payload->>'order_id')
  WHERE e.type = 'refund_issued'
  GROUP BY e.seq, e.occurred_at
),
forecasts AS (
  SELECT h.forecast_date AS day, h.node_id, h.sku, h.mean, h.p10, h.p90,
         row_number() OVER (PARTITION BY h.forecast_date, h.node_id, h.sku ORDER BY r.origin_date DESC, r.run_id DESC) AS pick
  FROM forecast_history h JOIN forecast_runs r USING (run_id)
  WHERE h.series_kind = 'node' AND h.forecast_date > r.origin_date
),
forecast_cells AS (
  SELECT f.day, f.node_id, coalesce(i.category, 'uncategorised') AS category,
         sum(f.mean) AS forecast, sum(f.p10) AS p10, sum(f.p90) AS p90
  FROM forecasts f LEFT JOIN stg_items i USING (sku) WHERE f.pick = 1 GROUP BY ALL
),
forecast_actuals AS MATERIALIZED (
  SELECT c.day, c.node_id, c.category, c.forecast, c.p10, c.p90, coalesce(a.units, 0) AS actual
  FROM forecast_cells c
  LEFT JOIN (SELECT day, node_id, coalesce(category, 'uncategorised') AS category, sum(qty) AS units
             FROM ledger_sales GROUP BY ALL) a USING (day, node_id, category)
),
rows AS (
  SELECT 'units_sold' AS kpi, day, channel_id, node_id, coalesce(category, 'uncategorised') AS category,
         sum(qty) AS numerator, NULL AS denominator
  FROM ledger_sales GROUP BY ALL
  UNION ALL
  SELECT 'return_rate', day, channel_id, NULL, category, sum(units_returned), sum(units_sold)
  FROM margin GROUP BY ALL
  UNION ALL
  SELECT 'refund_processing_hours', day, channel_id, NULL, NULL, sum(hours), count(*) FROM refunds GROUP BY ALL
  UNION ALL
  SELECT 'forecast_wape', day, NULL, node_id, category, sum(abs(actual - forecast)), sum(actual)
  FROM forecast_actuals GROUP BY ALL
  UNION ALL
  SELECT 'forecast_band_coverage', day, NULL, node_id, category,
         count(*) FILTER (WHERE actual >= p10 AND actual <= p90), count(*)
  FROM forecast_actuals GROUP BY ALL
)
SELECT r.kpi, r.day, r.channel_id, r.node_id, r.category,
       CAST(r.numerator AS DOUBLE) AS numerator, CAST(r.denominator AS DOUBLE) AS denominator
FROM rows r SEMI JOIN days USING (day)
