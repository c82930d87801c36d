-- grain: one row per channel drift episode (channel_drift.drift_id), in the shape of the exception conditions
-- that sql/marts/exceptions.sql unions (exception_type, severity, keys, opened_at, qty, value, detail), plus
-- the episode's own cleared_at and status. A channel shows a quantity other than the one we last published
-- (src/channels/drift.ts). Severity: high when it shows more than we published (it may sell what we do not
-- have), medium when less (lost sales). Fix: retailos channels sync CHANNEL --fix-drift.
SELECT
  'channel_drift' AS exception_type,
  CASE WHEN coalesce(d.observed, 0) > d.published THEN 'high' ELSE 'medium' END AS severity,
  d.sku,
  NULLIF(s.node_id, '') AS node_id,
  NULL AS order_id,
  NULL AS line_id,
  NULL AS po_id,
  NULL AS transfer_id,
  NULL AS event_id,
  d.channel_id,
  d.detected_at AS opened_at,
  d.cleared_at,
  d.status,
  CAST(abs(coalesce(d.observed, 0) - d.published) AS BIGINT) AS qty,
  NULL::DECIMAL(38, 2) AS value,
  json_object('kind', concat_ws(':', 'channel_drift', d.channel_id, d.sku, d.location), 'channel_id', d.channel_id,
              'location', d.location, 'published', d.published, 'observed', d.observed,
              'last_seen_at', d.last_seen_at, 'resolution', d.resolution,
              'fix', 'retailos channels sync ' || d.channel_id || ' --fix-drift')::VARCHAR AS detail
FROM channel_drift d
LEFT JOIN channel_sync_state s ON s.channel_id = d.channel_id AND s.sku = d.sku AND s.location = d.location
