-- assert: inventory_positions equal the sums of their movements (balances never drift from the ledger):
-- each bucket, reserved, on_order, and the value of the (sku, node) pool (on hand + in transit)
WITH moved AS (
  SELECT sku, node_id,
         coalesce(sum(qty) FILTER (WHERE account = 'sellable'), 0) AS sellable,
         coalesce(sum(qty) FILTER (WHERE account = 'damaged'), 0) AS damaged,
         coalesce(sum(qty) FILTER (WHERE account = 'quarantine'), 0) AS quarantine,
         coalesce(sum(qty) FILTER (WHERE account = 'repair'), 0) AS repair,
         coalesce(sum(qty) FILTER (WHERE account = 'returns_pending'), 0) AS returns_pending,
         coalesce(sum(qty) FILTER (WHERE account = 'in_transit'), 0) AS in_transit_in,
         coalesce(sum(qty) FILTER (WHERE account = 'reserved'), 0) AS reserved,
         coalesce(sum(qty) FILTER (WHERE account = 'on_order'), 0) AS on_order,
         coalesce(sum(value) FILTER (WHERE account_kind = 'stock'), 0) AS value
  FROM ledger_movements
  WHERE account_kind IN ('stock', 'memo')
  GROUP BY sku, node_id
)
SELECT coalesce(p.sku, m.sku) AS sku, coalesce(p.node_id, m.node_id) AS node_id
FROM inventory_positions p
FULL JOIN moved m ON m.sku = p.sku AND m.node_id = p.node_id
WHERE p.sku IS NULL OR m.sku IS NULL
   OR p.sellable <> m.sellable OR p.damaged <> m.damaged OR p.quarantine <> m.quarantine
   OR p.repair <> m.repair OR p.returns_pending <> m.returns_pending OR p.in_transit_in <> m.in_transit_in
   OR p.reserved <> m.reserved OR p.on_order <> m.on_order
   OR p.inventory_value + p.in_transit_value <> m.value
