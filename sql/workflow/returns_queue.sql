-- grain: one row per (return_id, node_id, sku) received: units received, graded, still ungraded, and age.
-- $status: 'ungraded' (units left to grade) | NULL (all); $return_id: NULL = any; $now: the business clock
WITH received AS (
  SELECT (payload->>'return_id') AS return_id, (payload->>'node_id') AS node_id, (payload->>'sku') AS sku,
         sum((payload->>'qty')::BIGINT) AS received_qty, min(occurred_at) AS received_at,
         any_value(payload->>'order_id') AS order_id, any_value(payload->>'line_id') AS line_id,
         coalesce(any_value(payload->>'reason'), 'unspecified') AS reason
  FROM stg_event_log WHERE type = 'return_received'
  GROUP BY ALL
),
graded AS (
  SELECT (payload->>'return_id') AS return_id, (payload->>'node_id') AS node_id, (payload->>'sku') AS sku,
         sum((payload->>'qty')::BIGINT) AS graded_qty, count(*) AS grade_events, max(occurred_at) AS last_graded_at,
         list(DISTINCT (payload->>'disposition') ORDER BY (payload->>'disposition')) AS dispositions
  FROM stg_event_log WHERE type = 'return_graded'
  GROUP BY ALL
)
SELECT r.return_id, r.node_id, r.sku, i.category, r.order_id, r.line_id, r.reason, r.received_at,
       r.received_qty, coalesce(g.graded_qty, 0) AS graded_qty,
       greatest(r.received_qty - coalesce(g.graded_qty, 0), 0) AS ungraded_qty,
       coalesce(g.grade_events, 0) AS grade_events, g.last_graded_at, g.dispositions,
       round(date_diff('second', r.received_at, $now::TIMESTAMPTZ) / 3600.0, 2) AS age_hours
FROM received r
LEFT JOIN graded g USING (return_id, node_id, sku)
LEFT JOIN stg_items i ON i.sku = r.sku
WHERE ($return_id::VARCHAR IS NULL OR r.return_id = $return_id::VARCHAR)
  AND ($status::VARCHAR IS NULL OR r.received_qty > coalesce(g.graded_qty, 0))
ORDER BY r.received_at, r.return_id, r.node_id, r.sku
