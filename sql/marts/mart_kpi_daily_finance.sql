-- grain: one row per (kpi, day, channel_id, node_id, category) of the finance KPIs (mart_kpi_definitions
-- family 'finance'): gross margin %, inventory value, weeks of supply. Part of mart_kpi_daily.
WITH days AS MATERIALIZED (SELECT period_start AS day FROM mart_periods WHERE period_grain = 'day'),
margin AS MATERIALIZED (SELECT * FROM mart_margin_daily),
value AS MATERIALIZED (
  SELECT period_start AS day, node_id, closing_value, cogs
  FROM mart_inventory_rollforward WHERE period_grain = 'day'
),
rows AS (
  SELECT 'gross_margin_pct' AS kpi, day, channel_id, NULL AS node_id, category, sum(gross_margin) AS numerator,
         sum(net_revenue) AS denominator
  FROM margin GROUP BY ALL
  UNION ALL
  SELECT 'inventory_value', day, NULL, node_id, NULL, closing_value, NULL FROM value
  UNION ALL
  SELECT 'weeks_of_supply', day, NULL, node_id, NULL, closing_value, cogs FROM value
)
SELECT r.kpi, r.day, r.channel_id, r.node_id, r.category,
       CAST(r.numerator AS DOUBLE) AS numerator, CAST(r.denominator AS DOUBLE) AS denominator
FROM rows r SEMI JOIN days USING (day)
