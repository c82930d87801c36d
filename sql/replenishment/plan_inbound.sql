-- grain: one row per (sku, node_id, due day) of units on their way: open PO quantities by their current
-- expected date, and in-transit transfers by their due date (ledger_transfers). Feeds the projected curves.
SELECT sku, node_id, expected_at::DATE AS due, sum(open_qty) AS qty
FROM ledger_purchase_orders WHERE open_qty > 0
GROUP BY ALL
UNION ALL
SELECT sku, to_node_id AS node_id, due_at::DATE AS due, sum(in_transit_qty) AS qty
FROM ledger_transfers WHERE in_transit_qty > 0
GROUP BY ALL
