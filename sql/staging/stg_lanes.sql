-- grain: one row per (node_id, region): its latest lane_upserted by business time (occurred_at, then arrival)
SELECT
  payload->>'node_id'                       AS node_id,
  payload->>'region'                        AS region,
  (payload->>'transit_days')::INTEGER       AS transit_days,
  (payload->>'cost_per_order')::DOUBLE      AS cost_per_order,
  (payload->>'cost_per_unit')::DOUBLE       AS cost_per_unit,
  occurred_at                               AS updated_at,
  event_id                                  AS source_event_id
FROM stg_event_log
WHERE type = 'lane_upserted'
QUALIFY row_number() OVER (
  PARTITION BY payload->>'node_id', payload->>'region' ORDER BY occurred_at DESC, seq DESC) = 1
