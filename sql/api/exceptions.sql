-- GET /api/v1/exceptions: operational exceptions, newest first, filtered and paged.
-- params: $status, $exception_type, $severity, $sku, $node_id (NULL = any), $limit, $offset
SELECT exception_id, exception_type, severity, sku, node_id, order_id, po_id, opened_at, status, detail,
       -- an episode's end in event time (NULL while the condition lasts) and how long it lasted
       cleared_at, round(duration_hours, 2) AS duration_hours
FROM exceptions
WHERE ($status::VARCHAR IS NULL OR status = $status::VARCHAR)
  AND ($exception_type::VARCHAR IS NULL OR exception_type = $exception_type::VARCHAR)
  AND ($severity::VARCHAR IS NULL OR severity = $severity::VARCHAR)
  AND ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($node_id::VARCHAR IS NULL OR node_id = $node_id::VARCHAR)
ORDER BY opened_at DESC, exception_id
LIMIT $limit::BIGINT OFFSET $offset::BIGINT
