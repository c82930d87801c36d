-- grain: one row per exception (ledger and allocator), newest first: every row (the page counts them, so
-- no row cap). Ledger exceptions come from the `exceptions` read model; allocator ones from
-- allocation_exceptions.
SELECT exception_id, exception_type, severity, sku, node_id, CAST(order_id AS VARCHAR) AS order_id,
       opened_at, status, detail, CAST(qty AS DOUBLE) AS qty, CAST(value AS DOUBLE) AS value, 'ledger' AS source
FROM exceptions
UNION ALL
SELECT exception_id, exception_type, severity, sku, node_id, order_id, opened_at, status, CAST(detail AS VARCHAR),
       NULL, NULL, 'allocation'
FROM allocation_exceptions
ORDER BY opened_at DESC, exception_id
