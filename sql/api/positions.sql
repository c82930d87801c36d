-- GET /api/v1/positions: inventory positions, one row per (sku, node_id), filtered and paged.
-- params: $sku, $node_id (NULL = any), $limit, $offset
SELECT sku, node_id, sellable, reserved, available, damaged, quarantine, repair, returns_pending, on_hand,
       in_transit_in, on_order, inventory_value, avg_unit_cost
FROM inventory_positions
WHERE ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($node_id::VARCHAR IS NULL OR node_id = $node_id::VARCHAR)
ORDER BY sku, node_id
LIMIT $limit::BIGINT OFFSET $offset::BIGINT
