-- grain: one row per item still open at the business clock that will move the books when it resolves, with the
-- time it originated (origin_at: the period it keeps open, mart_close) and its value:
--   open_transfer          (transfer_id, sku, to node) shipped, units still in transit: received, or written
--                          off as lost (transfer_short_received), at the sender's average
--   overdue_po             (po_id, sku) expected by now, units still open: a receipt to come, at the PO's cost
--                          (origin: its expected date)
--   ungraded_return        (return_id, sku, node) received, units not graded yet (returns_pending): grading
--                          writes off, restocks or sends them back, at the cost they came back at
--   refund_without_return  a refund of a return (return_id) whose return has not been received: the goods
--                          (their returned COGS) are still to come, the refund amount is the value shown
-- Only what has happened by the clock counts (an item originating after it is not pending yet).
WITH clock AS (SELECT as_of FROM mart_clock),
transfers AS (
  SELECT 'open_transfer' AS kind, transfer_id AS item_id, sku, to_node_id AS node_id, shipped_at AS origin_at,
         in_transit_qty AS units, CAST(in_transit_qty * coalesce(unit_value, 0) AS DECIMAL(38, 2)) AS value
  FROM ledger_transfers, clock
  WHERE in_transit_qty > 0 AND shipped_at <= clock.as_of
),
pos AS (
  SELECT 'overdue_po', po_id, sku, node_id, expected_at, open_qty,
         CAST(open_qty * coalesce(unit_cost, 0) AS DECIMAL(38, 2))
  FROM ledger_purchase_orders, clock
  WHERE open_qty > 0 AND expected_at <= clock.as_of
),
returns AS (
  SELECT s.return_id, k.sku, k.node_id, min(s.occurred_at) FILTER (WHERE s.event_type = 'return_received') AS origin_at,
         sum(s.qty) AS units,
         sum(s.value - s.variance_value) FILTER (WHERE s.event_type = 'return_received')
           / nullif(sum(s.qty) FILTER (WHERE s.event_type = 'return_received'), 0) AS unit_value
  FROM ledger_stock s JOIN ledger_keys k USING (key_id), clock
  WHERE s.bucket = 'returns_pending' AND s.occurred_at <= clock.as_of AND s.return_id IS NOT NULL
  GROUP BY ALL
),
ungraded AS (
  SELECT 'ungraded_return', return_id, sku, node_id, origin_at, units,
         CAST(units * coalesce(unit_value, 0) AS DECIMAL(38, 2))
  FROM returns WHERE units > 0
),
received_returns AS (
  SELECT DISTINCT (payload->>'return_id') AS return_id
  FROM stg_event_log, clock WHERE type = 'return_received' AND occurred_at <= clock.as_of
),
refunds AS (
  SELECT 'refund_without_return', (e.payload->>'return_id'), NULL, NULL, e.occurred_at, NULL,
         CAST((e.payload->>'amount') AS DECIMAL(38, 2))
  FROM stg_event_log e, clock
  WHERE e.type = 'refund_issued' AND (e.payload->>'return_id') IS NOT NULL AND e.occurred_at <= clock.as_of
    AND (e.payload->>'return_id') NOT IN (SELECT return_id FROM received_returns WHERE return_id IS NOT NULL)
)
SELECT * FROM transfers
UNION ALL SELECT * FROM pos
UNION ALL SELECT * FROM ungraded
UNION ALL SELECT * FROM refunds
