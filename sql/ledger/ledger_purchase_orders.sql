-- grain: one row per (po_id, sku) ordered: ordered, received against it (over-receipts included), cancelled and still open, with the PO's
-- node, supplier and current expected date (the latest po_created / po_updated by business time).
WITH header AS (
  SELECT po_id,
         arg_min(node_id, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS node_id,
         arg_min(supplier_id, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS supplier_id,
         min(occurred_at) FILTER (WHERE event_type = 'po_created') AS created_at,
         arg_max(expected_at, (occurred_at, seq)) FILTER (WHERE event_type IN ('po_created', 'po_updated'))
           AS expected_at
  FROM ledger_po_events
  GROUP BY po_id
),
lines AS (
  SELECT po_id, sku,
         coalesce(sum(qty) FILTER (WHERE event_type = 'po_created'), 0) AS ordered_qty,
         sum(qty * unit_cost) FILTER (WHERE event_type = 'po_created')
           / nullif(sum(qty) FILTER (WHERE event_type = 'po_created'), 0) AS unit_cost,
         coalesce(sum(qty) FILTER (WHERE event_type = 'receipt'), 0) AS received_qty,
         max(occurred_at) FILTER (WHERE event_type = 'receipt') AS last_received_at
  FROM ledger_po_events WHERE event_type IN ('po_created', 'receipt')
  GROUP BY po_id, sku
),
moves AS (
  SELECT po_id, sku,
         coalesce(-sum(qty) FILTER (WHERE event_type = 'po_cancelled'), 0) AS cancelled_qty,
         sum(qty) AS open_qty
  FROM ledger_po_movements
  GROUP BY po_id, sku
)
SELECT l.po_id, l.sku, h.node_id, h.supplier_id, h.created_at, h.expected_at, l.ordered_qty, l.unit_cost,
       l.received_qty, l.last_received_at, coalesce(m.cancelled_qty, 0) AS cancelled_qty,
       coalesce(m.open_qty, 0) AS open_qty
FROM lines l
JOIN header h USING (po_id)
LEFT JOIN moves m USING (po_id, sku)
WHERE l.ordered_qty > 0
