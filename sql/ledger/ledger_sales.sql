-- grain: one row per sale posting: (event seq, posting_no) of every pos_sale and shipped event.
-- Revenue is recognised at the sale (POS) or the shipment (orders: the order line's unit price); COGS is what
-- the ledger booked to the customer account (units x the moving average at that moment).
-- POS sales are attributed to the store channel serving the node (ledger_store_channels), else to channel 'pos'.
WITH sales AS (
  SELECT s.seq, s.posting_no, s.occurred_at, s.event_type, k.sku, k.node_id, -s.qty AS qty,
         -(s.value - s.variance_value) AS cogs, s.unit_price, s.order_id, s.line_id
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
  WHERE s.event_type IN ('pos_sale', 'shipped')
),
store_channels AS (SELECT node_id, channel_id FROM ledger_store_channels)
SELECT
  s.seq,
  s.posting_no,
  s.occurred_at,
  CAST(s.occurred_at AS DATE) AS day,
  s.event_type,
  s.sku,
  s.node_id,
  CASE WHEN s.event_type = 'pos_sale' THEN coalesce(sc.channel_id, 'pos') ELSE coalesce(l.channel_id, 'unknown') END
    AS channel_id,
  coalesce(i.category, 'unknown') AS category,
  s.qty,
  coalesce(s.unit_price, l.unit_price) AS unit_price,
  i.list_price,
  CAST(s.qty * coalesce(s.unit_price, l.unit_price, 0) AS DECIMAL(38, 2)) AS revenue,
  s.cogs,
  s.order_id,
  s.line_id
FROM sales s
LEFT JOIN ledger_order_lines l ON l.order_id = s.order_id AND l.line_id = s.line_id
LEFT JOIN store_channels sc ON sc.node_id = s.node_id AND s.event_type = 'pos_sale'
LEFT JOIN stg_items i ON i.sku = s.sku
