-- grain: one row per fulfilment event (event_id unique) of types allocated, allocation_released, picked,
-- shipped and order_cancelled, typed. event_type says which; fields a type does not carry are NULL
-- (order_cancelled has no node_id/sku/qty; its line_id is NULL when the whole order was cancelled).
-- carrier only on shipped; reason only on allocation_released and order_cancelled. Quantities BIGINT.
SELECT
  event_id,
  seq,
  type                                               AS event_type,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  actor,
  p.order_id,
  p.line_id,
  p.node_id,
  p.sku,
  p.qty,
  p.carrier,
  p.reason
FROM (
  SELECT event_id, seq, type, occurred_at, source, actor,
         from_json(payload, '{"order_id":"VARCHAR","line_id":"VARCHAR","node_id":"VARCHAR","sku":"VARCHAR",
           "qty":"BIGINT","carrier":"VARCHAR","reason":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type IN ('allocated', 'allocation_released', 'picked', 'shipped', 'order_cancelled')
)
