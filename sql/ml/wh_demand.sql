-- grain: one row per (series_kind, sku, node_id | channel_id, day) with units sold that day (UTC days).
-- node series (sku × node): units that left the node to customers: POS sales and order shipments
-- (on the day they shipped). channel series (sku × channel): units customers asked for: order lines on
-- the day they were placed — shipped or not yet (orders stand for unshipped demand) — and POS sales under
-- the store channel (the first channel of type 'store', else 'store'). Days without sales are absent here
-- and filled with 0 by the loader. Params: $from_day, $to_day (DATE, inclusive).
WITH parsed AS (
  SELECT
    type,
    occurred_at::DATE AS day,
    json_extract_string(payload, ['$.sku', '$.node_id', '$.qty', '$.channel_id', '$.lines']) AS f
  FROM stg_event_log
  WHERE type IN ('pos_sale', 'shipped', 'order_placed')
    AND occurred_at::DATE BETWEEN $from_day::DATE AND $to_day::DATE
),
store_channel AS (
  SELECT coalesce(min(channel_id) FILTER (WHERE channel_type = 'store'), 'store') AS channel_id FROM stg_channels
),
node_units AS (
  SELECT f[1] AS sku, f[2] AS node_id, day, f[3]::DOUBLE AS qty
  FROM parsed WHERE type IN ('pos_sale', 'shipped')
),
order_units AS (
  SELECT l.sku, f[4] AS channel_id, day, l.qty::DOUBLE AS qty
  FROM (
    SELECT f, day,
      unnest(from_json(f[5], '[{"line_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_price":"DOUBLE"}]')) AS l
    FROM parsed WHERE type = 'order_placed'
  )
)
SELECT 'node' AS series_kind, sku, node_id, NULL::VARCHAR AS channel_id, day, sum(qty) AS qty
FROM node_units GROUP BY ALL
UNION ALL
SELECT 'channel', sku, NULL, channel_id, day, sum(qty)
FROM (
  SELECT sku, channel_id, day, qty FROM order_units
  UNION ALL
  SELECT f[1], (SELECT channel_id FROM store_channel), day, f[3]::DOUBLE FROM parsed WHERE type = 'pos_sale'
)
GROUP BY ALL
