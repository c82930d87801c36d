-- GET /api/v1/availability: sellable-to-customers units per (channel_id, sku).
-- params: $sku, $channel_id (NULL = any), $limit, $offset
SELECT channel_id, sku, available
FROM channel_availability
WHERE ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($channel_id::VARCHAR IS NULL OR channel_id = $channel_id::VARCHAR)
ORDER BY sku, channel_id
LIMIT $limit::BIGINT OFFSET $offset::BIGINT
