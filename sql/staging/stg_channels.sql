-- grain: one row per channel_id: its latest channel_upserted by business time (occurred_at, then arrival)
-- node_ids NULL means every can_ship node is eligible.
SELECT
  payload->>'channel_id'                             AS channel_id,
  payload->>'name'                                   AS name,
  payload->>'channel_type'                           AS channel_type,
  CAST(payload->'node_ids' AS VARCHAR[])             AS node_ids,
  coalesce((payload->>'buffer_units')::BIGINT, 0)    AS buffer_units,
  coalesce((payload->>'buffer_pct')::DOUBLE, 0)      AS buffer_pct,
  occurred_at                                        AS updated_at,
  event_id                                           AS source_event_id
FROM stg_event_log
WHERE type = 'channel_upserted'
QUALIFY row_number() OVER (PARTITION BY payload->>'channel_id' ORDER BY occurred_at DESC, seq DESC) = 1
