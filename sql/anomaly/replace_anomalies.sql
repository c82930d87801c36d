-- Upserts scored days into `anomalies` (grain: metric, scope_kind, scope_id, day).
-- Parameters: $rows (JSON array of scored points), $run_id, $scored_at.
INSERT OR REPLACE INTO anomalies
SELECT r.metric, r.scope_kind, r.scope_id, r.day::DATE, r.value, r.expected, r.score, r.direction, r.is_anomaly,
       $run_id, $scored_at::TIMESTAMPTZ
FROM (
  SELECT unnest(from_json($rows::JSON,
    '[{"metric":"VARCHAR","scope_kind":"VARCHAR","scope_id":"VARCHAR","day":"VARCHAR","value":"DOUBLE",
       "expected":"DOUBLE","score":"DOUBLE","direction":"VARCHAR","is_anomaly":"BOOLEAN"}]')) AS r
)
