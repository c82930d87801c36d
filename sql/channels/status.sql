-- grain: one row per connected channel: how far its outbound sync is (docs/channels.md "Status").
-- lag_seconds: how long the oldest quantity still waiting to be published has waited since the event that
-- changed it was accepted (0 when the channel shows everything we want it to). Latency percentiles over the
-- channel's last 1,000 publications with a known origin (event accepted → channel updated).
WITH pending AS (
  SELECT channel_id, count(*) AS pending, min(changed_at) AS oldest_change
  FROM channel_sync_state
  WHERE published IS DISTINCT FROM wanted AND rejected_quantity IS DISTINCT FROM wanted
  GROUP BY channel_id
),
recent AS (
  SELECT channel_id, latency_ms
  FROM channel_publications
  WHERE outcome = 'published' AND latency_ms IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY channel_id ORDER BY publication_id DESC) <= 1000
),
latency AS (
  SELECT channel_id, quantile_cont(latency_ms, 0.5) AS p50, quantile_cont(latency_ms, 0.99) AS p99
  FROM recent GROUP BY channel_id
),
outcomes AS (
  SELECT channel_id,
         max(published_at) FILTER (WHERE outcome = 'published') AS last_published_at,
         count(*) FILTER (WHERE outcome = 'published') AS published,
         count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
         count(*) FILTER (WHERE outcome = 'dead_letter') AS dead_letters
  FROM channel_publications GROUP BY channel_id
),
drift AS (
  SELECT channel_id, count(*) AS open_drift FROM channel_drift WHERE status = 'open' GROUP BY channel_id
)
SELECT
  c.channel_id,
  c.platform,
  c.enabled,
  o.last_published_at,
  coalesce(o.published, 0) AS published,
  coalesce(o.rejected, 0) AS rejected,
  coalesce(o.dead_letters, 0) AS dead_letters,
  coalesce(p.pending, 0) AS pending,
  CASE WHEN p.oldest_change IS NULL THEN 0
       ELSE greatest(0, epoch(CAST($now AS TIMESTAMPTZ)) - epoch(p.oldest_change)) END AS lag_seconds,
  round(l.p50) AS latency_p50_ms,
  round(l.p99) AS latency_p99_ms,
  s.last_success_at,
  s.consecutive_failures,
  s.failing_since,
  s.next_attempt_at,
  s.last_error,
  coalesce(d.open_drift, 0) AS open_drift,
  s.last_drift_check_at
FROM channel_connections c
LEFT JOIN channel_sync_status s USING (channel_id)
LEFT JOIN pending p USING (channel_id)
LEFT JOIN latency l USING (channel_id)
LEFT JOIN outcomes o USING (channel_id)
LEFT JOIN drift d USING (channel_id)
ORDER BY c.channel_id
