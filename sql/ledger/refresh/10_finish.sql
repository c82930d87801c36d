-- Apply the memo deltas (reserved, on_order) and move the watermark.
MERGE INTO ledger_memo_state m
USING (
  SELECT sku, node_id, sum(reserved)::BIGINT AS reserved, sum(on_order)::BIGINT AS on_order
  FROM (
    SELECT sku, node_id, reserved, 0 AS on_order FROM lx_reserved_delta
    UNION ALL
    SELECT sku, node_id, 0 AS reserved, on_order FROM lx_on_order_delta
  )
  GROUP BY sku, node_id
) d
ON m.sku = d.sku AND m.node_id = d.node_id
WHEN MATCHED THEN UPDATE SET reserved = m.reserved + d.reserved, on_order = m.on_order + d.on_order
WHEN NOT MATCHED THEN INSERT (sku, node_id, reserved, on_order) VALUES (d.sku, d.node_id, d.reserved, d.on_order);

-- A (sku, node) whose memo postings all went away (a PO re-homed by a late po_created) is no longer touched.
DELETE FROM ledger_memo_state m
WHERE m.reserved = 0 AND m.on_order = 0
  AND (m.sku, m.node_id) IN (SELECT (sku, node_id) FROM lx_reserved_delta UNION SELECT (sku, node_id) FROM lx_on_order_delta)
  AND NOT EXISTS (SELECT 1 FROM ledger_reservations r WHERE r.sku = m.sku AND r.node_id = m.node_id)
  AND NOT EXISTS (SELECT 1 FROM ledger_po_movements p WHERE p.sku = m.sku AND p.node_id = m.node_id);

UPDATE ledger_watermark
SET last_seq = (SELECT to_seq FROM lx_params), refreshed_at = now()
WHERE id = 1;
