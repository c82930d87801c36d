-- grain: one row per (sku, node_id) of the skus in $skus (a JSON array of text): sellable units and
-- reservations, from the ledger's contract read model.
SELECT sku, node_id, sellable::BIGINT AS sellable, reserved::BIGINT AS reserved
FROM inventory_positions
WHERE sku IN (SELECT unnest(from_json($skus::JSON, '["VARCHAR"]')))
ORDER BY sku, node_id
