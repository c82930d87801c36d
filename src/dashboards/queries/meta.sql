-- grain: one row. The data window the dashboards show: the first business time in the event log, the
-- business clock the figures are as of (mart_clock: pinned, the wall clock, or the event-time watermark of
-- historical data) and the ledger's refresh watermark against the last landed event (a lagging ledger is
-- flagged on pages).
SELECT
  (SELECT min(occurred_at) FROM event_log) AS data_start,
  (SELECT as_of FROM mart_clock) AS as_of,
  (SELECT source FROM mart_clock) AS clock_source,
  (SELECT count(*) FROM event_log) AS events,
  (SELECT max(seq) FROM event_log) AS last_seq,
  (SELECT max(last_seq) FROM ledger_watermark) AS ledger_seq
