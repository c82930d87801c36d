-- grain: one row. The data window the dashboards show: first and last business time in the event log,
-- and the ledger's refresh watermark against the last landed event (a lagging ledger is flagged on pages).
SELECT
  (SELECT min(occurred_at) FROM event_log) AS data_start,
  (SELECT max(occurred_at) FROM event_log) AS as_of,
  (SELECT count(*) FROM event_log) AS events,
  (SELECT max(seq) FROM event_log) AS last_seq,
  (SELECT max(last_seq) FROM ledger_watermark) AS ledger_seq
