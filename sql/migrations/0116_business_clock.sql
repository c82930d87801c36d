-- One business clock (issue 16, docs/ledger.md "The business clock"): the rule lives in sql/ledger/business_clock.sql.

-- How far the wall clock may run ahead of the data before the clock follows the data's watermark instead.
INSERT INTO ledger_settings VALUES
  ('clock_watermark_days', '3',
   'business clock: when the newest operational event is more than this many days behind the wall clock (historical or replayed data), "now" is that event''s time');

UPDATE ledger_settings
SET description = 'business "now": empty = automatic (the wall clock, or the data''s watermark when the wall clock is far past it); wall = always the wall clock; an ISO-8601 time pins it'
WHERE key = 'clock';

-- A clock pinned before there was one parser is stored in the canonical form the clock reads (UTC, Z); a time
-- without offset was, and is, UTC. What is not a time at all stays, and the clock reports it as ignored.
UPDATE ledger_settings
SET value = strftime(TRY_CAST(trim(value) AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')
WHERE key = 'clock'
  AND trim(value) NOT IN ('', 'auto', 'wall')
  AND NOT regexp_full_match(trim(value), '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z')
  AND isfinite(TRY_CAST(trim(value) AS TIMESTAMPTZ));

-- A cache of the watermark: the newest operational occurred_at among events up to last_seq. The event log is
-- append-only, so business_clock adds only the events after last_seq (a few row groups, not the whole log).
-- Advanced by the ledger refresh (advanceClockMark); correct whether or not it is current.
CREATE TABLE business_clock_mark (
  id            INTEGER NOT NULL,
  last_seq      BIGINT NOT NULL,
  watermark_at  TIMESTAMPTZ
);
INSERT INTO business_clock_mark VALUES (1, 0, NULL);

-- A scheduled run's business time (the clock in force when it started) beside its wall-clock start and end.
ALTER TABLE job_runs ADD COLUMN business_at TIMESTAMPTZ;
