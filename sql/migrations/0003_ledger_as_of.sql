-- As-of queries over the ledger (docs/ledger.md, "time"): the positions as they stood at a business time,
-- summed from the movements with occurred_at <= as_of (the same columns as inventory_positions; one row per
-- (sku, node_id) touched by then). Usage: SELECT * FROM inventory_positions_as_of('2025-01-10T00:00:00Z').
CREATE MACRO inventory_positions_as_of(as_of) AS TABLE
WITH stock AS (
  SELECT
    k.sku,
    k.node_id,
    coalesce(sum(s.qty) FILTER (WHERE s.bucket = 'sellable'), 0) AS sellable,
    coalesce(sum(s.qty) FILTER (WHERE s.bucket = 'damaged'), 0) AS damaged,
    coalesce(sum(s.qty) FILTER (WHERE s.bucket = 'quarantine'), 0) AS quarantine,
    coalesce(sum(s.qty) FILTER (WHERE s.bucket = 'repair'), 0) AS repair,
    coalesce(sum(s.qty) FILTER (WHERE s.bucket = 'returns_pending'), 0) AS returns_pending,
    coalesce(sum(s.qty) FILTER (WHERE s.bucket = 'in_transit'), 0) AS in_transit,
    sum(s.value) AS pool_value,
    arg_max(s.avg_unit_cost, (s.occurred_at, s.seq, s.posting_no)) AS avg_unit_cost,
    max(s.occurred_at) AS last_movement_at
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
  WHERE s.occurred_at <= CAST(as_of AS TIMESTAMPTZ)
  GROUP BY k.sku, k.node_id
),
memo AS (
  SELECT sku, node_id, sum(reserved) AS reserved, sum(on_order) AS on_order
  FROM (
    SELECT sku, node_id, qty AS reserved, 0 AS on_order
    FROM ledger_reservations WHERE occurred_at <= CAST(as_of AS TIMESTAMPTZ)
    UNION ALL
    SELECT sku, node_id, 0, qty
    FROM ledger_po_movements WHERE occurred_at <= CAST(as_of AS TIMESTAMPTZ)
  )
  GROUP BY sku, node_id
)
SELECT
  coalesce(s.sku, m.sku) AS sku,
  coalesce(s.node_id, m.node_id) AS node_id,
  coalesce(s.sellable, 0) AS sellable,
  coalesce(m.reserved, 0)::BIGINT AS reserved,
  coalesce(s.sellable, 0) - coalesce(m.reserved, 0)::BIGINT AS available,
  coalesce(s.damaged, 0) AS damaged,
  coalesce(s.quarantine, 0) AS quarantine,
  coalesce(s.repair, 0) AS repair,
  coalesce(s.returns_pending, 0) AS returns_pending,
  coalesce(s.sellable + s.damaged + s.quarantine + s.repair + s.returns_pending, 0) AS on_hand,
  coalesce(s.in_transit, 0) AS in_transit_in,
  coalesce(m.on_order, 0)::BIGINT AS on_order,
  coalesce(CAST(s.avg_unit_cost * (s.sellable + s.damaged + s.quarantine + s.repair + s.returns_pending)
               AS DECIMAL(38, 2)), 0) AS inventory_value,
  s.avg_unit_cost,
  coalesce(s.pool_value - CAST(s.avg_unit_cost * (s.sellable + s.damaged + s.quarantine + s.repair
                                                  + s.returns_pending) AS DECIMAL(38, 2)), 0) AS in_transit_value,
  s.last_movement_at
FROM stock s
FULL JOIN memo m ON m.sku = s.sku AND m.node_id = s.node_id;
