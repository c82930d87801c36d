-- grain: one row per (order_id, line_id, node_id, sku) claim of the order $order_id: what is reserved and
-- shipped where now (GET /api/v1/orders/:id/allocation, `retailos allocate --explain`). Reads
-- temp.alloc_claims (claims.sql).
SELECT line_id, node_id, sku, reserved, shipped, allocated_events, released_events
FROM temp.alloc_claims
WHERE order_id = $order_id
ORDER BY line_id, node_id, sku
