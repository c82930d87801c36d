-- grain: one row per (day, node_id) with sales or returns: revenue, COGS at the moving average, returns back
-- at cost, gross margin and margin % of what the node sold (refunds are not node-specific: see
-- mart_margin_daily).
WITH sales AS (
  SELECT day, node_id, sum(qty) AS units_sold, sum(revenue) AS revenue, sum(cogs) AS cogs
  FROM ledger_sales GROUP BY ALL
),
returned AS (
  SELECT CAST(s.occurred_at AS DATE) AS day, k.node_id, sum(s.qty) AS units_returned,
         sum(s.value - s.variance_value) AS returned_cogs
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
  WHERE s.event_type = 'return_received'
  GROUP BY ALL
)
SELECT
  day, node_id,
  coalesce(s.units_sold, 0) AS units_sold,
  coalesce(r.units_returned, 0) AS units_returned,
  coalesce(s.revenue, 0) AS revenue,
  coalesce(s.cogs, 0) AS cogs,
  coalesce(r.returned_cogs, 0) AS returned_cogs,
  coalesce(s.revenue, 0) - coalesce(s.cogs, 0) + coalesce(r.returned_cogs, 0) AS gross_margin,
  round(100 * (coalesce(s.revenue, 0) - coalesce(s.cogs, 0) + coalesce(r.returned_cogs, 0))
        / CASE WHEN coalesce(s.revenue, 0) > 0 THEN coalesce(s.revenue, 0) END, 2) AS margin_pct
FROM sales s FULL JOIN returned r USING (day, node_id)
