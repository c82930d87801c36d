-- grain: one row per node_id: its latest node_upserted by business time (occurred_at, then arrival)
SELECT
  payload->>'node_id'                                  AS node_id,
  payload->>'name'                                     AS name,
  payload->>'node_type'                                AS node_type,
  payload->>'region'                                   AS region,
  (payload->>'can_ship')::BOOLEAN                      AS can_ship,
  (payload->>'can_pickup')::BOOLEAN                    AS can_pickup,
  (payload->>'ship_capacity_per_day')::BIGINT          AS ship_capacity_per_day,
  coalesce((payload->>'pick_cost')::DOUBLE, 0)         AS pick_cost,
  coalesce(payload->>'carrier_cutoff', '16:00')        AS carrier_cutoff,
  occurred_at                                          AS updated_at,
  event_id                                             AS source_event_id
FROM stg_event_log
WHERE type = 'node_upserted'
QUALIFY row_number() OVER (PARTITION BY payload->>'node_id' ORDER BY occurred_at DESC, seq DESC) = 1
