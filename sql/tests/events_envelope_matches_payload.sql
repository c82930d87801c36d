-- assert: the envelope columns agree with the stored payload
-- (JSON operators bind looser than IS DISTINCT FROM in DuckDB: keep the parentheses)
SELECT seq, event_id
FROM stg_event_log
WHERE (payload->>'event_id') IS DISTINCT FROM event_id
   OR (payload->>'type') IS DISTINCT FROM type
   OR (payload->>'occurred_at')::TIMESTAMPTZ IS DISTINCT FROM occurred_at
