-- grain: one row per (month created, supplier_id): purchase-order lines received, their mean lead time
-- (created → last receipt, days) and how many arrived after their expected date: lead-time drift; the
-- supplier's name beside its id.
SELECT date_trunc('month', po.created_at)::DATE AS month, po.supplier_id,
       coalesce(any_value(s.name), po.supplier_id) AS supplier_name,
       count(*)::BIGINT AS lines_received,
       avg(epoch(po.last_received_at - po.created_at) / 86400)::DOUBLE AS lead_time_days,
       count(*) FILTER (WHERE po.last_received_at > po.expected_at + INTERVAL 1 DAY)::BIGINT AS lines_late
FROM ledger_purchase_orders po LEFT JOIN stg_suppliers s ON s.supplier_id = po.supplier_id
WHERE po.last_received_at IS NOT NULL AND po.supplier_id IS NOT NULL
GROUP BY month, po.supplier_id ORDER BY 1, 2
