-- grain: one row per accepted event (event_id unique); the contract's `events` read model
-- Ledger order is occurred_at, then seq (arrival order). An event the ledger quarantined (its payload is not
-- readable JSON) is left out: it is listed in rejected_events and as an exception instead.
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
FROM stg_event_log
