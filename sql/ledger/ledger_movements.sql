-- grain: one row per posting of the double-entry ledger: (event_id, posting_no, side) unique.
-- Every event becomes postings between accounts that sum to zero per event and per ledger (asserted in
-- sql/tests/ledger_movements_balance.sql):
--   ledger 'units':  stock accounts (sku, node_id, bucket; bucket in sellable, damaged, quarantine, repair,
--                    returns_pending, in_transit) against external accounts (supplier, customer, shrink,
--                    write_off, count_variance, vendor_return, adjustment; value-only: cost_variance);
--   ledger 'claims': reserved (sku, node_id) against order_claims;
--   ledger 'orders': on_order (sku, node_id) against supplier_orders.
-- qty is signed units into the account, value the signed money into it (units ledger only).
-- side: 'stock' (the stock posting), 'counter' (its external counter-posting), 'variance' (cost variance),
-- 'memo' / 'memo_counter' (claims and orders ledgers). Every row links to its event_id.
WITH stock AS (
  SELECT s.*, k.sku, k.node_id
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
),
postings AS (
  SELECT seq, posting_no, 'stock' AS side, 'units' AS ledger, bucket AS account, 'stock' AS account_kind,
         sku, node_id, event_type, occurred_at, qty, value, avg_unit_cost, bucket_qty AS balance_after, reason,
         order_id, line_id, transfer_id, po_id, return_id
  FROM stock
  UNION ALL
  SELECT seq, posting_no, 'counter', 'units', counter, 'external', sku, node_id, event_type, occurred_at,
         -qty, -(value - variance_value), avg_unit_cost, NULL, reason, order_id, line_id, transfer_id, po_id,
         return_id
  FROM stock WHERE counter <> 'internal'
  UNION ALL
  SELECT seq, posting_no, 'variance', 'units', 'cost_variance', 'external', sku, node_id, event_type, occurred_at,
         0, -variance_value, avg_unit_cost, NULL, reason, order_id, line_id, transfer_id, po_id, return_id
  FROM stock WHERE variance_value <> 0
  UNION ALL
  SELECT seq, posting_no, 'memo', 'claims', 'reserved', 'memo', sku, node_id, event_type, occurred_at, qty,
         NULL, NULL, NULL, NULL, order_id, line_id, NULL, NULL, NULL
  FROM ledger_reservations
  UNION ALL
  SELECT seq, posting_no, 'memo_counter', 'claims', 'order_claims', 'external', sku, node_id, event_type,
         occurred_at, -qty, NULL, NULL, NULL, NULL, order_id, line_id, NULL, NULL, NULL
  FROM ledger_reservations
  UNION ALL
  SELECT seq, posting_no, 'memo', 'orders', 'on_order', 'memo', sku, node_id, event_type, occurred_at, qty,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, po_id, NULL
  FROM ledger_po_movements
  UNION ALL
  SELECT seq, posting_no, 'memo_counter', 'orders', 'supplier_orders', 'external', sku, node_id, event_type,
         occurred_at, -qty, NULL, NULL, NULL, NULL, NULL, NULL, NULL, po_id, NULL
  FROM ledger_po_movements
)
SELECT e.event_id, p.event_type, p.occurred_at, p.seq, p.posting_no, p.side, p.ledger, p.account, p.account_kind,
       p.sku, p.node_id, p.qty, p.value, p.avg_unit_cost, p.balance_after, p.reason, p.order_id, p.line_id,
       p.transfer_id, p.po_id, p.return_id
FROM postings p JOIN event_log e ON e.seq = p.seq
