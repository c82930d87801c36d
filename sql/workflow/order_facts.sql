-- grain: one row for the order $order_id: what the high-risk rules read
WITH orders AS (
  SELECT order_id, any_value(channel_id) AS channel_id, any_value(service_level) AS service_level,
         any_value(ship_to_region) AS ship_to_region, any_value(placed_at) AS placed_at,
         any_value(placed_seq) AS placed_seq, sum(qty * unit_price) AS value, max(qty) AS max_line_qty
  FROM ledger_order_lines
  GROUP BY order_id
)
SELECT o.*,
       NOT EXISTS (SELECT 1 FROM orders p
                   WHERE p.ship_to_region = o.ship_to_region AND (p.placed_at, p.placed_seq) < (o.placed_at, o.placed_seq))
         AS new_region
FROM orders o
WHERE o.order_id = $order_id
