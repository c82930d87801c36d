-- Low stock as of $as_of: sellable stock a node can promise (available) below the reorder point, or covering
-- fewer than $cover_days days of demand. Demand: units sold or shipped from the node over the $window_days
-- days up to $as_of. Reorder point: daily demand × $reorder_days (lead time + safety, in days).
-- grain: one row per (sku, node_id) in the condition. Parameters: $as_of, $window_days, $cover_days,
-- $reorder_days, $min_daily, $critical_days.
WITH demand AS (
  SELECT sku, node_id, sum(qty)::DOUBLE / $window_days AS daily, arg_max(unit_price, occurred_at) AS price
  FROM ledger_sales
  WHERE occurred_at > $as_of::TIMESTAMP - to_days($window_days::INTEGER) AND occurred_at <= $as_of::TIMESTAMP
  GROUP BY ALL
),
pos AS (
  SELECT p.sku, p.node_id, p.available, p.on_order + p.in_transit_in AS inbound, d.daily, d.price,
         greatest(p.available, 0) / d.daily AS cover_days, d.daily * $reorder_days AS reorder_point
  FROM inventory_positions_as_of($as_of::TIMESTAMP) p
  JOIN demand d USING (sku, node_id)
  WHERE d.daily >= $min_daily
)
SELECT
  'low_stock' AS kind,
  sku || '@' || node_id AS condition_key,
  CASE WHEN cover_days < $critical_days THEN 'critical' ELSE NULL END AS severity_override,
  node_id, NULL::VARCHAR AS channel_id, sku,
  'Low stock: ' || sku || ' at ' || node_id AS title,
  printf('%d available, %.1f days of cover at %.1f/day (reorder point %.0f)', available, cover_days, daily, reorder_point)
    AS detail,
  cover_days AS metric_value,
  $cover_days::DOUBLE AS threshold,
  json_object('available', available, 'daily_demand', round(daily, 2), 'days_of_cover', round(cover_days, 1),
              'reorder_point', round(reorder_point, 1), 'inbound_units', inbound,
              'revenue_at_risk_per_day', round(daily * coalesce(price, 0), 2)) AS impact
FROM pos
WHERE available < reorder_point OR cover_days < $cover_days
