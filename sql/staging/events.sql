-- grain: one row per accepted event (event_id unique); the contract's `events` read model
-- Ledger order is occurred_at, then seq (arrival order).
SELECT
  event_id,
  type,
  occurred_at,
  received_at,
  source,
  actor,
  payload::JSON AS payload,
  seq,
  batch_id,
  source_file,
  source_line
FROM event_log
