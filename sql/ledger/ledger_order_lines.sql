-- grain: one row per (order_id, line_id) of the latest order_placed of each order (by business time, then
-- arrival): what was ordered, at which price, through which channel. Parsed from the event log on read.
WITH placed AS (
  SELECT seq, occurred_at, payload
  FROM stg_event_log
  WHERE type = 'order_placed'
  QUALIFY row_number() OVER (PARTITION BY payload->>'order_id' ORDER BY occurred_at DESC, seq DESC) = 1
)
SELECT
  payload->>'order_id'                     AS order_id,
  l.line_id,
  l.sku,
  l.qty,
  l.unit_price,
  payload->>'channel_id'                   AS channel_id,
  payload->>'service_level'                AS service_level,
  payload->>'ship_to_region'               AS ship_to_region,
  payload->>'pickup_node_id'               AS pickup_node_id,
  occurred_at                              AS placed_at,
  seq                                      AS placed_seq
FROM (
  SELECT seq, occurred_at, payload,
         unnest(from_json(payload->'lines', '[{"line_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_price":"DOUBLE"}]')) AS l
  FROM placed
)
