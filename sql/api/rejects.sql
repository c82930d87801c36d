-- GET /api/v1/rejects: inputs that were not accepted, oldest first, filtered and paged.
-- params: $status ('open' | 'resolved' | NULL = all), $reason, $source_kind (NULL = any), $after_id, $limit
SELECT reject_id, received_at, source_kind, source_file, source_line, event_id, type, reason,
       errors::VARCHAR AS errors, raw, status, resolved_at, resolution
FROM rejected_events
WHERE ($status::VARCHAR IS NULL OR status = $status::VARCHAR)
  AND ($reason::VARCHAR IS NULL OR reason = $reason::VARCHAR)
  AND ($source_kind::VARCHAR IS NULL OR source_kind = $source_kind::VARCHAR)
  AND reject_id > $after_id::BIGINT
ORDER BY reject_id
LIMIT $limit::BIGINT
