-- How far the ledger is behind the event log (GET /health): events landed but not applied yet, and how
-- long the oldest of them has waited. seq only grows, so the count reads the tail of the log after the
-- watermark.
SELECT
  w.last_seq AS last_seq,
  count(e.seq) AS pending_events,
  coalesce(epoch(now() - min(e.received_at)), 0) AS seconds_behind
FROM ledger_watermark w
LEFT JOIN event_log e ON e.seq > w.last_seq
WHERE w.id = 1
GROUP BY w.last_seq
