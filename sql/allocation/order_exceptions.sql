-- grain: one row per allocator exception of the order $order_id
SELECT exception_id, exception_type, severity, sku, node_id, order_id, line_id, opened_at, status, resolved_at,
       resolution, detail::VARCHAR AS detail
FROM allocation_exceptions
WHERE order_id = $order_id
ORDER BY opened_at, exception_id
