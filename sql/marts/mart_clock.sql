-- grain: exactly one row: the business "now" every mart, page and KPI reads (as_of), and why.
-- The ledger's clock (ledger_config: pinned with `retailos settings clock`, else the wall clock) unless it is
-- the wall clock far (more than a day) past the last event: historical or replayed data is then seen as of
-- its event-time watermark, so the last day of a replay is not taken for a finished week.
-- TODO(trust-clock): read the business clock view once it lands; this is the one place to change.
WITH watermark AS (SELECT max(occurred_at) AS at FROM event_log),
pinned AS (
  SELECT coalesce(bool_or(key = 'clock' AND nullif(value, '') IS NOT NULL), false) AS pinned FROM ledger_settings
)
SELECT
  CASE WHEN p.pinned OR w.at IS NULL OR c.clock <= w.at + INTERVAL 1 DAY THEN c.clock ELSE w.at END AS as_of,
  CASE WHEN p.pinned THEN 'pinned' WHEN w.at IS NULL OR c.clock <= w.at + INTERVAL 1 DAY THEN 'wall clock'
       ELSE 'event-time watermark' END AS source,
  w.at AS watermark
FROM ledger_config c CROSS JOIN watermark w CROSS JOIN pinned p
