-- grain: one row per claim the run needs: live reservations (capacity, disruption, shipment fees already
-- paid), claims allocated on the run's day $day (capacity used), and every claim of an order in scope (event
-- id counters). Reads temp.alloc_claims and temp.alloc_lines.
SELECT order_id, line_id, node_id, sku, reserved, shipped, allocated_events, released_events, allocated_day,
       external
FROM temp.alloc_claims
WHERE reserved > 0
   OR allocated_day = $day
   OR order_id IN (SELECT order_id FROM temp.alloc_lines)
ORDER BY order_id, line_id, node_id, sku
