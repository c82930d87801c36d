-- grain: one row per line of the order $order_id: its latest explanation (from the latest run that saw it)
SELECT run_id, order_id, line_id, sku, as_of, outcome, open_qty, allocated_qty, on_time_qty, explanation::VARCHAR AS explanation
FROM allocation_explanations
WHERE order_id = $order_id
QUALIFY row_number() OVER (PARTITION BY line_id ORDER BY as_of DESC, run_id DESC) = 1
ORDER BY line_id
