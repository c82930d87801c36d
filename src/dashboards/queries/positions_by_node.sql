-- grain: one row per (node_id, category): stock at the business clock by bucket, overstock (accounts with
-- more than 12 weeks of cover at the last 28 days' sales) and aged units (no sale at the node for
-- aged_stock_days, mart_stock_exposure); node_type marks returns centres, which the pages show apart
-- (their stock is not for sale). Stockouts are the `stockouts` KPI (mart_kpi_daily), not counted here.
WITH as_of AS (SELECT as_of AS t FROM mart_clock),
sales AS (
  SELECT sku, node_id, sum(qty) AS units_28d
  FROM ledger_sales, as_of WHERE occurred_at > as_of.t - INTERVAL 28 DAY AND occurred_at <= as_of.t
  GROUP BY ALL
)
SELECT p.node_id, coalesce(n.node_type, 'unknown') AS node_type, coalesce(i.category, 'uncategorised') AS category,
       count(*)::BIGINT AS accounts,
       sum(p.on_hand)::BIGINT AS on_hand, sum(p.sellable)::BIGINT AS sellable, sum(p.reserved)::BIGINT AS reserved,
       sum(greatest(p.available, 0))::BIGINT AS available,
       sum(p.damaged + p.quarantine + p.repair)::BIGINT AS unsellable, sum(p.returns_pending)::BIGINT AS returns_pending,
       sum(p.in_transit_in)::BIGINT AS in_transit, sum(p.on_order)::BIGINT AS on_order,
       count(*) FILTER (WHERE p.on_hand > 0 AND p.on_hand > 12 * coalesce(s.units_28d, 0) / 4.0)::BIGINT AS overstock,
       sum(p.on_hand) FILTER (WHERE e.aged)::BIGINT AS aged_units,
       sum(coalesce(s.units_28d, 0))::BIGINT AS units_sold_28d
FROM inventory_positions p
JOIN stg_items i USING (sku)
LEFT JOIN stg_nodes n USING (node_id)
LEFT JOIN sales s USING (sku, node_id)
LEFT JOIN mart_stock_exposure e USING (sku, node_id)
GROUP BY ALL ORDER BY 1, 2
