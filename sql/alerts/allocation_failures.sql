-- Allocation failures as of $as_of: order lines the allocator could not place as promised (open backorder and
-- promise_at_risk exceptions in allocation_exceptions), per exception type, when at least $min_open are open.
-- grain: one row per exception_type in the condition. Parameters: $as_of, $min_open.
WITH open AS (
  SELECT a.exception_type, a.order_id, a.line_id, a.sku, l.channel_id, l.qty * l.unit_price AS value
  FROM allocation_exceptions a
  LEFT JOIN ledger_order_lines l USING (order_id, line_id)
  WHERE a.status = 'open' AND a.opened_at <= $as_of::TIMESTAMP
    AND a.exception_type IN ('backorder', 'promise_at_risk')
)
SELECT
  'allocation_failures' AS kind,
  exception_type AS condition_key,
  CASE WHEN count(*) >= 10 * $min_open THEN 'critical' ELSE NULL END AS severity_override,
  NULL::VARCHAR AS node_id, NULL::VARCHAR AS channel_id, NULL::VARCHAR AS sku,
  'Allocation failures: ' || count(*) || ' lines ' || replace(exception_type, '_', ' ') AS title,
  printf('%d open order lines (%d orders, %d skus)', count(*), count(DISTINCT order_id), count(DISTINCT sku)) AS detail,
  count(*)::DOUBLE AS metric_value,
  $min_open::DOUBLE AS threshold,
  json_object('lines', count(*), 'orders_exposed', count(DISTINCT order_id),
              'channels_exposed', list(DISTINCT channel_id) FILTER (WHERE channel_id IS NOT NULL),
              'revenue_at_risk', round(coalesce(sum(value), 0), 2)) AS impact
FROM open
GROUP BY exception_type
HAVING count(*) >= $min_open
