-- grain: one row per (order_id, line_id) in scope, in FIFO priority order (placement time, arrival, line).
-- Reads temp.alloc_lines (order_lines.sql).
SELECT order_id, channel_id, ship_to_region, service_level, promised_by, pickup_node_id, placed_ms, placed_seq,
       line_no, line_id, ordered_sku, sku, qty, unit_price, reserved, shipped, open_qty
FROM temp.alloc_lines
ORDER BY placed_ms, placed_seq, order_id, line_no
