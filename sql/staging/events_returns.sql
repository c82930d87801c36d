-- grain: one row per return event (event_id unique) of types return_received and return_graded, typed.
-- return_received carries order_id?, line_id?, reason?; return_graded carries grade and disposition; fields a
-- type does not carry are NULL. Refunds are in events_refunds. Quantities BIGINT.
SELECT
  event_id,
  seq,
  type                                               AS event_type,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  actor,
  p.return_id,
  p.order_id,
  p.line_id,
  p.node_id,
  p.sku,
  p.qty,
  p.reason,
  p.grade,
  p.disposition
FROM (
  SELECT event_id, seq, type, occurred_at, source, actor,
         from_json(payload, '{"return_id":"VARCHAR","order_id":"VARCHAR","line_id":"VARCHAR","node_id":"VARCHAR",
           "sku":"VARCHAR","qty":"BIGINT","reason":"VARCHAR","grade":"VARCHAR","disposition":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type IN ('return_received', 'return_graded')
)
