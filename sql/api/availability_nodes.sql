-- GET /api/v1/availability?sku=…: the per-node side of one sku's availability (all nodes).
-- params: $sku
SELECT node_id, sku, sellable, reserved, available
FROM inventory_positions
WHERE sku = $sku::VARCHAR
ORDER BY node_id
