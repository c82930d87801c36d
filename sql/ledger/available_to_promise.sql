-- grain: one row per (sku, node_id, day) for every position and each of the next atp_horizon_days days
-- (from the business clock's date, UTC). available_now is the position's available (sellable - reserved,
-- negative when oversold); inbound_qty the units expected by the end of that day: transfers still in transit
-- by their due date and open PO quantities by their expected date (overdue ones count from today).
-- atp = available_now + inbound_qty.
WITH cfg AS (
  SELECT CAST(clock AS DATE) AS today, atp_horizon_days FROM ledger_config
),
days AS (
  SELECT CAST(cfg.today + to_days(CAST(d.i AS INTEGER)) AS DATE) AS day
  FROM cfg, LATERAL (SELECT unnest(range(cfg.atp_horizon_days)) AS i) d
),
inbound AS (
  SELECT sku, node_id, day, sum(qty) AS qty
  FROM (
    SELECT t.sku, t.to_node_id AS node_id, greatest(CAST(t.due_at AS DATE), cfg.today) AS day, t.in_transit_qty AS qty
    FROM ledger_transfers t, cfg WHERE t.in_transit_qty > 0
    UNION ALL
    SELECT p.sku, p.node_id, greatest(CAST(p.expected_at AS DATE), cfg.today), p.open_qty
    FROM ledger_purchase_orders p, cfg WHERE p.open_qty > 0
  )
  GROUP BY sku, node_id, day
),
grid AS (
  SELECT p.sku, p.node_id, d.day, p.available AS available_now
  FROM inventory_positions p CROSS JOIN days d
)
SELECT g.sku, g.node_id, g.day, g.available_now,
       CAST(coalesce(sum(i.qty), 0) AS BIGINT) AS inbound_qty,
       g.available_now + CAST(coalesce(sum(i.qty), 0) AS BIGINT) AS atp
FROM grid g
LEFT JOIN inbound i ON i.sku = g.sku AND i.node_id = g.node_id AND i.day <= g.day
GROUP BY g.sku, g.node_id, g.day, g.available_now
