-- grain: one row per exception of the `exceptions` read model, filtered (NULL = any).
-- $exception_id: the queue's id or the allocator's id of the exception (detail.allocator_exception_id)
-- $status: open | acknowledged | resolved | unresolved (open or acknowledged) | NULL (all)
SELECT exception_id, exception_type, severity, sku, node_id, order_id, line_id, po_id, transfer_id, event_id,
       opened_at, status, detail, qty, value, note, condition_key, source_id, condition_active, tracked,
       revenue_at_risk, promises_affected, owner_role, sla_hours, assignee, escalation_level, last_escalated_at,
       acknowledged_at, resolved_at, resolution_code, last_action_at, cleared_at, duration_hours
FROM exceptions
WHERE ($exception_id::VARCHAR IS NULL OR exception_id = $exception_id::VARCHAR
       OR json_extract_string(detail, '$.allocator_exception_id') = $exception_id::VARCHAR)
  AND ($status::VARCHAR IS NULL
       OR status = $status::VARCHAR
       OR ($status::VARCHAR = 'unresolved' AND status <> 'resolved'))
  AND ($exception_type::VARCHAR IS NULL OR exception_type = $exception_type::VARCHAR)
  AND ($severity::VARCHAR IS NULL OR severity = $severity::VARCHAR)
  AND ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($node_id::VARCHAR IS NULL OR node_id = $node_id::VARCHAR)
  AND ($order_id::VARCHAR IS NULL OR order_id = $order_id::VARCHAR)
-- an allocator id (backorder:ORDER:LINE) can name several episodes: the queue's own id, then the live,
-- unresolved, latest one first (without $exception_id: by id, as before)
ORDER BY ($exception_id::VARCHAR IS NOT NULL AND exception_id <> $exception_id::VARCHAR),
         ($exception_id::VARCHAR IS NOT NULL AND NOT condition_active),
         ($exception_id::VARCHAR IS NOT NULL AND status = 'resolved'),
         CASE WHEN $exception_id::VARCHAR IS NOT NULL THEN opened_at END DESC NULLS LAST,
         exception_id
