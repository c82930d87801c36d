-- grain: one row per price_changed event: the price history (channel_id NULL = every channel).
-- A price applies from occurred_at until the next change for the same (sku, channel) or its ends_at.
SELECT
  payload->>'sku'                 AS sku,
  payload->>'channel_id'          AS channel_id,
  (payload->>'price')::DOUBLE     AS price,
  payload->>'reason'              AS reason,
  occurred_at                     AS starts_at,
  CASE WHEN length(payload->>'ends_at') = 10 THEN (payload->>'ends_at')::DATE::TIMESTAMPTZ
       ELSE (payload->>'ends_at')::TIMESTAMPTZ END AS ends_at,
  seq
FROM stg_event_log
WHERE type = 'price_changed'
