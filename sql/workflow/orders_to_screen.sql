-- grain: one row per order that may be high risk and has not been screened (no approval request names it), is
-- still open — nothing of it shipped, and not cancelled (whole, or every line) — and was placed by the business
-- clock (sql/ledger/business_clock.sql): a hold is dated when its order was placed, never after the clock, and
-- screening a replayed history never holds orders that were long since fulfilled.
-- The rules themselves are applied again in TypeScript (src/workflow/policy.ts); this query only narrows the
-- candidates with the same thresholds.
-- params: $value_above, $line_qty_above, $new_region_express
WITH orders AS (
  SELECT order_id, any_value(channel_id) AS channel_id, any_value(service_level) AS service_level,
         any_value(ship_to_region) AS ship_to_region, any_value(placed_at) AS placed_at,
         any_value(placed_seq) AS placed_seq, sum(qty * unit_price) AS value, max(qty) AS max_line_qty
  FROM ledger_order_lines
  GROUP BY order_id
),
flagged AS (
  SELECT o.*,
         row_number() OVER (PARTITION BY ship_to_region ORDER BY placed_at, placed_seq) = 1 AS new_region
  FROM orders o
),
cancels AS (
  SELECT payload->>'order_id' AS order_id, payload->>'line_id' AS line_id
  FROM event_log WHERE type = 'order_cancelled'
),
open_orders AS (
  -- an order with a line that no cancellation (of the line, or of the whole order) covers
  SELECT DISTINCT l.order_id
  FROM ledger_order_lines l
  WHERE NOT EXISTS (SELECT 1 FROM cancels c
                    WHERE c.order_id = l.order_id AND (c.line_id IS NULL OR c.line_id = l.line_id))
)
SELECT order_id, channel_id, service_level, ship_to_region, placed_at, value, max_line_qty, new_region
FROM flagged
WHERE (value > $value_above OR max_line_qty > $line_qty_above
       OR ($new_region_express AND service_level = 'express' AND new_region))
  AND placed_at <= (SELECT clock_at FROM business_clock)
  AND order_id IN (SELECT order_id FROM open_orders)
  AND order_id NOT IN (SELECT order_id FROM workflow_approvals WHERE order_id IS NOT NULL)
  AND order_id NOT IN (SELECT payload->>'order_id' FROM event_log WHERE type = 'shipped')
ORDER BY placed_at, order_id
