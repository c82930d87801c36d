-- grain: one row per (day placed, channel_id): hours from placement to first allocation, pick and shipment
-- (sums and counts, so any selection averages exactly).
WITH {{order_facts}}
SELECT placed_at::DATE AS day, channel_id,
       coalesce(sum(placed_to_allocated_hours), 0)::DOUBLE AS to_allocated_sum, count(placed_to_allocated_hours)::BIGINT AS to_allocated_n,
       coalesce(sum(allocated_to_picked_hours), 0)::DOUBLE AS to_picked_sum, count(allocated_to_picked_hours)::BIGINT AS to_picked_n,
       coalesce(sum(picked_to_shipped_hours), 0)::DOUBLE AS to_shipped_sum, count(picked_to_shipped_hours)::BIGINT AS to_shipped_n
FROM order_facts GROUP BY ALL ORDER BY 1, 2
