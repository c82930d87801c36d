-- grain: one row per ledger exception (the `exceptions` read model), newest first, at most 5,000: the
-- fallback when allocation_exceptions does not exist.
SELECT exception_id, exception_type, severity, sku, node_id, CAST(order_id AS VARCHAR) AS order_id,
       opened_at, status, detail, CAST(qty AS DOUBLE) AS qty, CAST(value AS DOUBLE) AS value, 'ledger' AS source
FROM exceptions
ORDER BY opened_at DESC, exception_id
LIMIT 5000
