-- grain: one row per replenishment recommendation waiting for a decision (status proposed): every one, as
-- the card counts them (recommendation_status), costliest first, with supplier, node and item names beside
-- their ids, the first line's projected stockout without it, the revenue at risk of its lines, and its
-- lines (per sku: quantities, levels, the projected stock curves the page draws).
WITH proposed AS (
  SELECT *, json_extract_string(lines, '$[0].sku') AS first_sku,
         TRY_CAST(json_extract_string(lines, '$[0].stockout_without') AS DATE) AS stockout_without,
         list_sum(list_transform(json_extract_string(lines, '$[*].revenue_at_risk'), x -> TRY_CAST(x AS DOUBLE)))
           AS revenue_at_risk
  FROM replenishment_recommendations WHERE status = 'proposed'
)
SELECT r.recommendation_id, r.kind, r.status, r.supplier_id, coalesce(s.name, r.supplier_id) AS supplier_name,
       r.from_node_id, coalesce(f.name, r.from_node_id) AS from_node_name, r.node_id,
       coalesce(n.name, r.node_id) AS node_name, r.first_sku, i.name AS first_item_name, i.category, r.skus, r.qty,
       r.cost, r.expected_arrival, r.created_at, r.stockout_without, r.revenue_at_risk, r.explanation, r.lines
FROM proposed r
LEFT JOIN stg_suppliers s ON s.supplier_id = r.supplier_id
LEFT JOIN stg_nodes f ON f.node_id = r.from_node_id
LEFT JOIN stg_nodes n ON n.node_id = r.node_id
LEFT JOIN stg_items i ON i.sku = r.first_sku
ORDER BY r.cost DESC, r.recommendation_id
