-- grain: one row per (node_id, category): current stock by bucket, stockouts (accounts with nothing
-- available), overstock (accounts with more than 12 weeks of cover at the last 28 days' sales) and aged
-- units (no sale at the node for aged_stock_days, mart_stock_exposure).
WITH sales AS (
  SELECT sku, node_id, sum(qty) AS units_28d
  FROM ledger_sales WHERE occurred_at > (SELECT max(occurred_at) FROM ledger_sales) - INTERVAL 28 DAY
  GROUP BY ALL
)
SELECT p.node_id, coalesce(i.category, 'uncategorised') AS category,
       count(*)::BIGINT AS accounts,
       sum(p.on_hand)::BIGINT AS on_hand, sum(p.sellable)::BIGINT AS sellable, sum(p.reserved)::BIGINT AS reserved,
       sum(greatest(p.available, 0))::BIGINT AS available,
       sum(p.damaged + p.quarantine + p.repair)::BIGINT AS unsellable, sum(p.returns_pending)::BIGINT AS returns_pending,
       sum(p.in_transit_in)::BIGINT AS in_transit, sum(p.on_order)::BIGINT AS on_order,
       count(*) FILTER (WHERE p.available <= 0)::BIGINT AS stockouts,
       count(*) FILTER (WHERE p.on_hand > 0 AND p.on_hand > 12 * coalesce(s.units_28d, 0) / 4.0)::BIGINT AS overstock,
       sum(p.on_hand) FILTER (WHERE e.aged)::BIGINT AS aged_units,
       sum(coalesce(s.units_28d, 0))::BIGINT AS units_sold_28d
FROM inventory_positions p
JOIN stg_items i USING (sku)
LEFT JOIN sales s USING (sku, node_id)
LEFT JOIN mart_stock_exposure e USING (sku, node_id)
GROUP BY ALL ORDER BY 1, 2
