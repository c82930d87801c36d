-- grain: one row per detected anomaly (anomalies.is_anomaly: the series scored at or above the threshold),
-- newest first, with the scope as node, channel or category so the page filters apply. Every flagged row:
-- the count on the page is a count, not a row cap.
SELECT metric, scope_kind, scope_id, day, value, expected, score, direction,
       CASE WHEN scope_kind = 'node' THEN scope_id END AS node_id,
       CASE WHEN scope_kind = 'channel' THEN scope_id END AS channel_id,
       CASE WHEN scope_kind = 'category' THEN scope_id END AS category
FROM anomalies WHERE is_anomaly
ORDER BY day DESC, score DESC, metric, scope_kind, scope_id
