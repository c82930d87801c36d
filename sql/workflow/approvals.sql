-- grain: one row per approval request, newest first, filtered (NULL = any)
SELECT request_id, kind, amount, markdown_pct, required_approvals, approvals, status, rule, order_id,
       requested_by, requested_at, decided_at, cancel_reason, action::VARCHAR AS action,
       recommendation::VARCHAR AS recommendation, context::VARCHAR AS context, decisions::VARCHAR AS decisions,
       outcome::VARCHAR AS outcome
FROM workflow_approvals
WHERE ($request_id::VARCHAR IS NULL OR request_id = $request_id::VARCHAR)
  AND ($status::VARCHAR IS NULL OR status = $status::VARCHAR)
  AND ($kind::VARCHAR IS NULL OR kind = $kind::VARCHAR)
ORDER BY requested_at DESC, request_id
LIMIT $limit::BIGINT OFFSET $offset::BIGINT
