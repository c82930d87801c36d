-- grain: one row per (sku, node_id) the ledger ever touched (a stock posting, a reservation or an open PO line)
-- The contract's read model (EVENTS.md "Required read models"): current balances per bucket, reservations,
-- inbound and the moving-average valuation. available = sellable - reserved (negative = oversold);
-- on_hand = the five status buckets; in_transit_in = units shipped to this node not yet received;
-- inventory_value = on_hand at avg_unit_cost (to the cent); in_transit_value = the rest of the node's value
-- (in-transit units are valued in the receiving node's pool from the moment they ship: docs/ledger.md).
SELECT
  coalesce(k.sku, m.sku)                                                   AS sku,
  coalesce(k.node_id, m.node_id)                                           AS node_id,
  coalesce(s.sellable, 0)                                                  AS sellable,
  coalesce(m.reserved, 0)                                                  AS reserved,
  coalesce(s.sellable, 0) - coalesce(m.reserved, 0)                        AS available,
  coalesce(s.damaged, 0)                                                   AS damaged,
  coalesce(s.quarantine, 0)                                                AS quarantine,
  coalesce(s.repair, 0)                                                    AS repair,
  coalesce(s.returns_pending, 0)                                           AS returns_pending,
  coalesce(s.sellable + s.damaged + s.quarantine + s.repair + s.returns_pending, 0) AS on_hand,
  coalesce(s.in_transit, 0)                                                AS in_transit_in,
  coalesce(m.on_order, 0)                                                  AS on_order,
  coalesce(CAST(s.avg_unit_cost * (s.sellable + s.damaged + s.quarantine + s.repair + s.returns_pending)
               AS DECIMAL(38, 2)), 0)                                      AS inventory_value,
  s.avg_unit_cost                                                          AS avg_unit_cost,
  coalesce(s.pool_value - CAST(s.avg_unit_cost * (s.sellable + s.damaged + s.quarantine + s.repair
                                                  + s.returns_pending) AS DECIMAL(38, 2)), 0) AS in_transit_value,
  s.last_occurred_at                                                       AS last_movement_at
FROM ledger_stock_state s
JOIN ledger_keys k USING (key_id)
FULL JOIN ledger_memo_state m ON m.sku = k.sku AND m.node_id = k.node_id
