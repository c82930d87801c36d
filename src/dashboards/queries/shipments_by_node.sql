-- grain: one row per (day, node_id): units and order lines shipped from the node.
SELECT day, node_id, sum(qty)::BIGINT AS units_shipped, count(DISTINCT order_id)::BIGINT AS orders
FROM ledger_sales WHERE event_type = 'shipped' GROUP BY ALL ORDER BY 1, 2
