-- GET /api/v1/channels/publications: what was published to channels, newest first, filtered and keyset-paged.
-- params: $channel_id, $sku, $outcome (NULL = any), $before_id (NULL = from the newest), $limit
SELECT publication_id, channel_id, sku, location, node_id, quantity, previous_quantity, published_at, outcome,
       attempts, accepted_at, latency_ms, batch_id, reason, error
FROM channel_publications
WHERE ($channel_id::VARCHAR IS NULL OR channel_id = $channel_id::VARCHAR)
  AND ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($outcome::VARCHAR IS NULL OR outcome = $outcome::VARCHAR)
  AND ($before_id::BIGINT IS NULL OR publication_id < $before_id::BIGINT)
ORDER BY publication_id DESC
LIMIT $limit::BIGINT
