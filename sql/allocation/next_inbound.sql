-- grain: one row per sku of $skus (a JSON array of text) with units on their way that are due after $as_of_ms:
-- when the first of them is due (epoch ms). Open purchase-order quantities count by their current expected
-- date, transfers in transit by their due date (the ledger's ledger_purchase_orders / ledger_transfers).
-- Overdue ones are left out: when they will come is not known.
SELECT sku, epoch_ms(min(due)) AS due_ms
FROM (
  SELECT sku, expected_at AS due FROM ledger_purchase_orders WHERE open_qty > 0
  UNION ALL
  SELECT sku, due_at AS due FROM ledger_transfers WHERE in_transit_qty > 0
)
WHERE due > make_timestamptz($as_of_ms::BIGINT * 1000)
  AND sku IN (SELECT unnest(from_json($skus::JSON, '["VARCHAR"]')))
GROUP BY sku
ORDER BY sku
