-- grain: one row per (day, node_id, kind): inbound units due that day (PO lines by expected date, transfers by
-- due time) and units received that day (receipts against POs, transfers received), kind ∈ po, transfer.
WITH due AS (
  SELECT expected_at::DATE AS day, node_id, 'po' AS kind, sum(ordered_qty - cancelled_qty) AS due, 0 AS received
  FROM ledger_purchase_orders WHERE expected_at IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT due_at::DATE, to_node_id, 'transfer', sum(shipped_qty), 0 FROM ledger_transfers WHERE due_at IS NOT NULL GROUP BY ALL
),
received AS (
  SELECT s.occurred_at::DATE AS day, k.node_id, CASE s.event_type WHEN 'receipt' THEN 'po' ELSE 'transfer' END AS kind,
         0 AS due, sum(s.qty) AS received
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
  WHERE (s.event_type = 'receipt' AND s.po_id IS NOT NULL) OR s.event_type = 'transfer_received'
  GROUP BY ALL
)
SELECT day, node_id, kind, sum(due)::BIGINT AS due_units, sum(received)::BIGINT AS received_units
FROM (SELECT * FROM due UNION ALL SELECT * FROM received)
GROUP BY ALL ORDER BY 1, 2, 3
