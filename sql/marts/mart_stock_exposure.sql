-- grain: one row per (sku, node_id) with stock on hand: its value at the moving average, the sku's current
-- price (the latest all-channel price change in force at the business clock, else the list price), and two
-- exposures: price_below_cost (current price < average cost: below_cost_value = on_hand x the gap) and aged
-- (no sale at the node for aged_stock_days: last_sale_at before clock - aged_stock_days, or never).
WITH cfg AS (SELECT l.* EXCLUDE (clock), c.as_of AS clock FROM ledger_config l CROSS JOIN mart_clock c),
prices AS (
  SELECT p.sku, arg_max(p.price, (p.starts_at, p.seq)) AS price, arg_max(p.reason, (p.starts_at, p.seq)) AS reason
  FROM ledger_prices p, cfg
  WHERE p.channel_id IS NULL AND p.starts_at <= cfg.clock AND (p.ends_at IS NULL OR p.ends_at > cfg.clock)
  GROUP BY p.sku
),
last_sale AS (
  SELECT k.sku, k.node_id, max(s.occurred_at) AS last_sale_at
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
  WHERE s.event_type IN ('pos_sale', 'shipped')
  GROUP BY k.sku, k.node_id
)
SELECT
  p.sku, p.node_id, i.category, p.on_hand, p.inventory_value, p.avg_unit_cost, i.list_price,
  coalesce(pr.price, i.list_price) AS current_price,
  coalesce(pr.reason, 'list') AS price_reason,
  coalesce(pr.price, i.list_price) < p.avg_unit_cost AS price_below_cost,
  CASE WHEN coalesce(pr.price, i.list_price) < p.avg_unit_cost
       THEN CAST(p.on_hand * (p.avg_unit_cost - coalesce(pr.price, i.list_price)) AS DECIMAL(38, 2))
       ELSE 0 END AS below_cost_value,
  l.last_sale_at,
  (l.last_sale_at IS NULL OR l.last_sale_at < cfg.clock - to_days(cfg.aged_stock_days)) AS aged,
  CASE WHEN l.last_sale_at IS NULL OR l.last_sale_at < cfg.clock - to_days(cfg.aged_stock_days)
       THEN p.inventory_value ELSE 0 END AS aged_value
FROM inventory_positions p
CROSS JOIN cfg
LEFT JOIN stg_items i ON i.sku = p.sku
LEFT JOIN prices pr ON pr.sku = p.sku
LEFT JOIN last_sale l ON l.sku = p.sku AND l.node_id = p.node_id
WHERE p.on_hand > 0
