-- grain: one row per exception (exception_id unique): every episode of the `exceptions` read model — the
-- ledger's conditions and the allocator's, listed once — open or cleared, newest first, with the workflow's
-- state (status, owner, SLA, escalation) and how long a cleared one lasted. Every row: the page counts them
-- (a count, not a row cap). Owner and SLA of an exception the workflow does not track yet come from the
-- exception policy (the exception_policy dataset), as the workflow's queue does.
SELECT x.exception_id, x.exception_type, x.severity, x.sku, i.name AS item_name, x.node_id,
       coalesce(n.name, x.node_id) AS node_name, CAST(x.order_id AS VARCHAR) AS order_id, x.po_id, x.transfer_id,
       x.opened_at, x.cleared_at, x.duration_hours::DOUBLE AS duration_hours, x.status, x.condition_active,
       x.detail, CAST(x.qty AS DOUBLE) AS qty, CAST(x.value AS DOUBLE) AS value,
       CAST(x.revenue_at_risk AS DOUBLE) AS revenue_at_risk, x.promises_affected::BIGINT AS promises_affected,
       x.owner_role, x.sla_hours, x.assignee, x.escalation_level::INTEGER AS escalation_level, x.last_escalated_at,
       x.resolved_at, x.resolution_code
FROM exceptions x
LEFT JOIN stg_items i ON i.sku = x.sku
LEFT JOIN stg_nodes n ON n.node_id = x.node_id
ORDER BY x.opened_at DESC, x.exception_id
