-- grain: one row per (day, channel_id, category) with sales, returns or refunds.
-- revenue (at sale/shipment) - refunds = net_revenue; cogs (at the moving average) - returned_cogs (returns
-- back at the cost they shipped at) = net_cogs; gross_margin = net_revenue - net_cogs;
-- margin_pct = gross_margin / net_revenue * 100 (NULL unless net_revenue > 0). Refunds land on their own day, on the channel of their order
-- and the category of their line ('unassigned' for an order-level refund). Returns land on their order's
-- channel; a return without an order id (a store sale brought back to a store) on that store's channel.
WITH sales AS (
  SELECT day, channel_id, category, sum(qty) AS units_sold, sum(revenue) AS revenue, sum(cogs) AS cogs
  FROM ledger_sales GROUP BY ALL
),
orders AS (
  SELECT order_id, any_value(channel_id) AS channel_id FROM ledger_order_lines GROUP BY order_id
),
returned AS (
  -- a return without an order (a store sale brought back) belongs to the channel of the store it came back to
  SELECT CAST(s.occurred_at AS DATE) AS day,
         coalesce(o.channel_id, CASE WHEN s.order_id IS NULL THEN sc.channel_id END, 'unknown') AS channel_id,
         coalesce(i.category, 'unknown') AS category, sum(s.qty) AS units_returned,
         sum(s.value - s.variance_value) AS returned_cogs
  FROM ledger_stock s
  JOIN ledger_keys k USING (key_id)
  LEFT JOIN orders o ON o.order_id = s.order_id
  LEFT JOIN ledger_store_channels sc ON sc.node_id = k.node_id
  LEFT JOIN stg_items i ON i.sku = k.sku
  WHERE s.event_type = 'return_received'
  GROUP BY ALL
),
refunds AS (
  SELECT CAST(e.occurred_at AS DATE) AS day, coalesce(o.channel_id, 'unknown') AS channel_id,
         CASE WHEN (e.payload->>'line_id') IS NULL THEN 'unassigned' ELSE coalesce(i.category, 'unknown') END
           AS category,
         sum(CAST((e.payload->>'amount') AS DECIMAL(38, 2))) AS refunds
  FROM event_log e
  LEFT JOIN orders o ON o.order_id = (e.payload->>'order_id')
  LEFT JOIN ledger_order_lines l ON l.order_id = (e.payload->>'order_id') AND l.line_id = (e.payload->>'line_id')
  LEFT JOIN stg_items i ON i.sku = l.sku
  WHERE e.type = 'refund_issued'
  GROUP BY ALL
)
SELECT
  day, channel_id, category,
  coalesce(s.units_sold, 0) AS units_sold,
  coalesce(r.units_returned, 0) AS units_returned,
  coalesce(s.revenue, 0) AS revenue,
  coalesce(f.refunds, 0) AS refunds,
  coalesce(s.revenue, 0) - coalesce(f.refunds, 0) AS net_revenue,
  coalesce(s.cogs, 0) AS cogs,
  coalesce(r.returned_cogs, 0) AS returned_cogs,
  coalesce(s.cogs, 0) - coalesce(r.returned_cogs, 0) AS net_cogs,
  coalesce(s.revenue, 0) - coalesce(f.refunds, 0) - coalesce(s.cogs, 0) + coalesce(r.returned_cogs, 0) AS gross_margin,
  round(100 * (coalesce(s.revenue, 0) - coalesce(f.refunds, 0) - coalesce(s.cogs, 0) + coalesce(r.returned_cogs, 0))
        / CASE WHEN coalesce(s.revenue, 0) - coalesce(f.refunds, 0) > 0 THEN coalesce(s.revenue, 0) - coalesce(f.refunds, 0) END,
        2) AS margin_pct
FROM sales s
FULL JOIN returned r USING (day, channel_id, category)
FULL JOIN refunds f USING (day, channel_id, category)
