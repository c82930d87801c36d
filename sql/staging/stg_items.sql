-- grain: one row per sku: its latest item_upserted by business time (occurred_at, then arrival)
SELECT
  payload->>'sku'                               AS sku,
  payload->>'name'                              AS name,
  payload->>'category'                          AS category,
  payload->>'brand'                             AS brand,
  (payload->>'unit_cost')::DOUBLE               AS unit_cost,
  (payload->>'list_price')::DOUBLE              AS list_price,
  coalesce((payload->>'pack_size')::INTEGER, 1) AS pack_size,
  payload->>'supplier_id'                       AS supplier_id,
  (payload->>'moq')::INTEGER                    AS moq,
  occurred_at                                   AS updated_at,
  event_id                                      AS source_event_id
FROM stg_event_log
WHERE type = 'item_upserted'
QUALIFY row_number() OVER (PARTITION BY payload->>'sku' ORDER BY occurred_at DESC, seq DESC) = 1
