-- grain: one row per (sku, node_id) worth a look: out of stock while selling, overstocked, or aged;
-- at most 400, the biggest first. weeks_of_cover uses the last 28 days' sales.
WITH sales AS (
  SELECT sku, node_id, sum(qty) AS units_28d, max(occurred_at) AS last_sale_at
  FROM ledger_sales WHERE occurred_at > (SELECT max(occurred_at) FROM ledger_sales) - INTERVAL 28 DAY
  GROUP BY ALL
),
rows AS (
  SELECT p.sku, p.node_id, coalesce(i.category, 'uncategorised') AS category, i.name,
         p.on_hand, p.available, p.in_transit_in AS in_transit, p.on_order,
         coalesce(s.units_28d, 0) AS units_sold_28d,
         CASE WHEN coalesce(s.units_28d, 0) > 0 THEN p.on_hand / (s.units_28d / 4.0) END AS weeks_of_cover,
         coalesce(e.aged, false) AS aged,
         CASE WHEN p.available <= 0 AND coalesce(s.units_28d, 0) > 0 THEN 'stockout'
              WHEN p.on_hand > 0 AND p.on_hand > 12 * coalesce(s.units_28d, 0) / 4.0 THEN 'overstock'
              WHEN coalesce(e.aged, false) THEN 'aged' END AS flag
  FROM inventory_positions p JOIN stg_items i USING (sku)
  LEFT JOIN sales s USING (sku, node_id)
  LEFT JOIN mart_stock_exposure e USING (sku, node_id)
)
SELECT * FROM rows WHERE flag IS NOT NULL
ORDER BY CASE flag WHEN 'stockout' THEN 0 WHEN 'overstock' THEN 1 ELSE 2 END, units_sold_28d DESC, on_hand DESC, sku, node_id
LIMIT 400
