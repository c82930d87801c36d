-- Anomalies above $threshold in the operational series (table `anomalies`), on the $lookback_days days up to
-- $as_of, direction 'up' only when $up_only. One condition per series (the latest anomalous day), with its
-- impact: a returns spike → units coming back beyond normal, refund exposure at the category's recent price,
-- units waiting for grading (resale inventory) and open replenishment proposals that did not plan for them;
-- a sales spike → the stock cover it threatens at the new pace; refunds, shrink, backlog, cancellations → the
-- excess over expected. grain: one row per (metric, scope_kind, scope_id). Parameters: $as_of,
-- $lookback_days, $threshold, $critical_score, $up_only, $metrics (a JSON array of metric names; empty = all).
WITH hits AS (
  SELECT *
  FROM anomalies
  WHERE day <= $as_of::DATE AND day > $as_of::DATE - $lookback_days::INTEGER
    AND score >= $threshold AND (NOT $up_only OR direction = 'up')
    AND (len(from_json($metrics, '["VARCHAR"]')) = 0 OR list_contains(from_json($metrics, '["VARCHAR"]'), metric))
  QUALIFY row_number() OVER (PARTITION BY metric, scope_kind, scope_id ORDER BY day DESC) = 1
),
items AS (SELECT sku, category, list_price FROM stg_items),
pos AS (SELECT p.*, i.category FROM inventory_positions_as_of($as_of::TIMESTAMP) p LEFT JOIN items i USING (sku)),
price AS (
  SELECT category, avg(unit_price) AS price FROM ledger_sales
  WHERE occurred_at > $as_of::TIMESTAMP - INTERVAL 28 DAY AND occurred_at <= $as_of::TIMESTAMP GROUP BY ALL
),
stock AS (
  SELECT 'category' AS scope_kind, category AS scope_id, sum(greatest(available, 0)) AS available,
         sum(returns_pending) AS returns_pending FROM pos GROUP BY ALL
  UNION ALL
  SELECT 'node', node_id, sum(greatest(available, 0)), sum(returns_pending) FROM pos GROUP BY ALL
  UNION ALL
  SELECT 'sku', sku, sum(greatest(available, 0)), sum(returns_pending) FROM pos GROUP BY ALL
  UNION ALL
  SELECT 'all', 'all', sum(greatest(available, 0)), sum(returns_pending) FROM pos
),
proposals AS (
  SELECT count(*) AS n FROM replenishment_recommendations WHERE status = 'proposed'
)
SELECT
  'anomaly' AS kind,
  h.metric || ':' || h.scope_kind || ':' || h.scope_id AS condition_key,
  CASE WHEN h.score >= $critical_score THEN 'critical' ELSE NULL END AS severity_override,
  CASE WHEN h.scope_kind = 'node' THEN h.scope_id END AS node_id,
  CASE WHEN h.scope_kind = 'channel' THEN h.scope_id END AS channel_id,
  CASE WHEN h.scope_kind = 'sku' THEN h.scope_id END AS sku,
  printf('Anomaly: %s %s at %s %s on %s', replace(h.metric, '_', ' '), h.direction, h.scope_kind, h.scope_id,
         strftime(h.day, '%Y-%m-%d')) AS title,
  printf('%.1f against %.1f expected (score %.2f)', h.value, h.expected, h.score) AS detail,
  h.score AS metric_value,
  $threshold::DOUBLE AS threshold,
  CASE
    WHEN h.metric = 'returns_units' THEN json_object(
      'excess_units', round(h.value - h.expected, 1),
      'refund_exposure', round((h.value - h.expected) * coalesce(pr.price, 0), 2),
      'units_awaiting_grading', s.returns_pending,
      'resale_note', 'returns beyond normal come back through grading: graded C/D units will not restock',
      'open_replenishment_proposals', (SELECT n FROM proposals))
    WHEN h.metric = 'sales_units' THEN json_object(
      'excess_units_per_day', round(h.value - h.expected, 1),
      'available_units', s.available,
      'days_of_cover_at_new_pace', round(s.available / nullif(h.value, 0), 1),
      'days_of_cover_at_expected_pace', round(s.available / nullif(h.expected, 0), 1))
    ELSE json_object('excess', round(h.value - h.expected, 2), 'value', round(h.value, 2),
                     'expected', round(h.expected, 2))
  END AS impact
FROM hits h
LEFT JOIN stock s ON s.scope_kind = h.scope_kind AND s.scope_id = h.scope_id
LEFT JOIN price pr ON h.scope_kind = 'category' AND pr.category = h.scope_id
