-- grain: one row per refund_issued event (event_id unique), typed. line_id, return_id and reason are NULL
-- when absent. amount is DECIMAL(18,4).
SELECT
  event_id,
  seq,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  actor,
  p.order_id,
  p.line_id,
  p.return_id,
  p.amount,
  p.reason
FROM (
  SELECT event_id, seq, occurred_at, source, actor,
         from_json(payload, '{"order_id":"VARCHAR","line_id":"VARCHAR","return_id":"VARCHAR",
           "amount":"DECIMAL(18,4)","reason":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type = 'refund_issued'
)
