-- grain: one row per supplier_id: its latest supplier_upserted by business time (occurred_at, then arrival)
SELECT
  payload->>'supplier_id'                  AS supplier_id,
  payload->>'name'                         AS name,
  (payload->>'lead_time_days')::INTEGER    AS lead_time_days,
  (payload->>'moq')::INTEGER               AS moq,
  occurred_at                              AS updated_at,
  event_id                                 AS source_event_id
FROM stg_event_log
WHERE type = 'supplier_upserted'
QUALIFY row_number() OVER (PARTITION BY payload->>'supplier_id' ORDER BY occurred_at DESC, seq DESC) = 1
