-- grain: one row per (month created, supplier_id): purchase-order lines received, their mean lead time
-- (created → last receipt, days) and how many arrived after their expected date: lead-time drift.
SELECT date_trunc('month', created_at)::DATE AS month, supplier_id,
       count(*)::BIGINT AS lines_received,
       avg(epoch(last_received_at - created_at) / 86400)::DOUBLE AS lead_time_days,
       count(*) FILTER (WHERE last_received_at > expected_at + INTERVAL 1 DAY)::BIGINT AS lines_late
FROM ledger_purchase_orders
WHERE last_received_at IS NOT NULL AND supplier_id IS NOT NULL
GROUP BY ALL ORDER BY 1, 2
