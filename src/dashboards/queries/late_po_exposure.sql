-- grain: one row per open purchase-order line past its expected date at the business clock (mart_clock): the
-- supplier, node and sku exposed, the open quantity and value, what the node still has available and for how
-- many days that covers at the last 28 days' sales (out_within_week: less than 7 days, while selling), and the
-- revenue per day at list price those sales bring. Every such line: the page counts them.
WITH as_of AS (SELECT as_of AS t FROM mart_clock),
sales AS (
  SELECT sku, node_id, sum(qty) / 28.0 AS daily
  FROM ledger_sales, as_of WHERE occurred_at > as_of.t - INTERVAL 28 DAY AND occurred_at <= as_of.t GROUP BY ALL
),
node_sales AS (SELECT sku, sum(daily) AS daily FROM sales GROUP BY ALL),
lines AS (
  SELECT po.po_id, po.supplier_id, po.node_id, po.sku, coalesce(i.category, 'uncategorised') AS category,
         po.expected_at, (epoch(as_of.t - po.expected_at) / 86400)::DOUBLE AS days_late,
         po.open_qty::BIGINT AS open_qty, (po.open_qty * po.unit_cost)::DOUBLE AS open_value,
         greatest(coalesce(p.available, 0), 0)::BIGINT AS available,
         coalesce(s.daily, ns.daily) AS daily_demand,
         CASE WHEN coalesce(s.daily, ns.daily) > 0 THEN greatest(coalesce(p.available, 0), 0) / coalesce(s.daily, ns.daily) END
           AS days_of_cover,
         (coalesce(s.daily, ns.daily) * coalesce(i.list_price, 0))::DOUBLE AS revenue_per_day_at_risk
  FROM ledger_purchase_orders po CROSS JOIN as_of
  LEFT JOIN inventory_positions p USING (sku, node_id)
  LEFT JOIN stg_items i USING (sku)
  LEFT JOIN sales s USING (sku, node_id)
  LEFT JOIN node_sales ns USING (sku)
  WHERE po.open_qty > 0 AND po.expected_at < as_of.t
)
SELECT *, coalesce(days_of_cover < 7, false) AS out_within_week
FROM lines
ORDER BY days_of_cover ASC NULLS LAST, open_value DESC, po_id, sku
