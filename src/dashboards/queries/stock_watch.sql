-- grain: one row per (sku, node_id) at a store or DC worth a look at the business clock: out of stock
-- (nothing sellable) while selling, overstocked, or aged; a list of at most 400, the biggest first (the
-- counts are KPIs, not this list). weeks_of_cover uses the last 28 days' sales.
WITH as_of AS (SELECT as_of AS t FROM mart_clock),
sales AS (
  SELECT sku, node_id, sum(qty) AS units_28d, max(occurred_at) AS last_sale_at
  FROM ledger_sales, as_of WHERE occurred_at > as_of.t - INTERVAL 28 DAY AND occurred_at <= as_of.t
  GROUP BY ALL
),
rows AS (
  SELECT p.sku, p.node_id, coalesce(i.category, 'uncategorised') AS category, i.name,
         p.on_hand, p.available, p.in_transit_in AS in_transit, p.on_order,
         coalesce(s.units_28d, 0) AS units_sold_28d,
         CASE WHEN coalesce(s.units_28d, 0) > 0 THEN p.on_hand / (s.units_28d / 4.0) END AS weeks_of_cover,
         coalesce(e.aged, false) AS aged,
         CASE WHEN p.sellable <= 0 AND coalesce(s.units_28d, 0) > 0 THEN 'stockout'
              WHEN p.on_hand > 0 AND p.on_hand > 12 * coalesce(s.units_28d, 0) / 4.0 THEN 'overstock'
              WHEN coalesce(e.aged, false) THEN 'aged' END AS flag
  FROM inventory_positions p JOIN stg_items i USING (sku)
  LEFT JOIN sales s USING (sku, node_id)
  LEFT JOIN mart_stock_exposure e USING (sku, node_id)
  WHERE p.node_id NOT IN (SELECT node_id FROM stg_nodes WHERE node_type = 'returns_center')
)
SELECT * FROM rows WHERE flag IS NOT NULL
ORDER BY CASE flag WHEN 'stockout' THEN 0 WHEN 'overstock' THEN 1 ELSE 2 END, units_sold_28d DESC, on_hand DESC, sku, node_id
LIMIT 400
