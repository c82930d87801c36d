-- grain: exactly one row: the business clock in force, the one "now" of every read model (ledger_config.clock),
-- the workflow, the allocator, replenishment, alerts, jobs and forecasting. src/clock/business-clock.ts reads
-- this row and nothing else decides the time, so SQL and TypeScript cannot disagree. The rule (docs/ledger.md,
-- "The business clock"):
--   pinned     the `clock` setting holds a time (canonical ISO-8601 UTC, as `retailos settings clock` writes it);
--   wall       the setting is 'wall', or the data is live: the newest operational event is at most
--              `clock_watermark_days` (default 3) days behind the wall clock, or there is none yet;
--   watermark  otherwise (historical or replayed data): the event-time watermark, the newest occurred_at of the
--              operational events. Never retailos' own events (workflow, allocator, replenishment: they are dated
--              by this clock) nor master data and prices, which may be sent dated ahead.
WITH settings AS (
  SELECT
    coalesce(trim(max(value) FILTER (WHERE key = 'clock')), '') AS setting,
    coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'clock_watermark_days') AS DOUBLE), 3) AS watermark_after_days
  FROM ledger_settings
),
mark AS (SELECT coalesce(max(last_seq), 0) AS last_seq, max(watermark_at) AS watermark_at FROM business_clock_mark),
data AS (
  -- the cached watermark of the events up to mark.last_seq, and the events after it (the log is append-only)
  SELECT greatest(
    (SELECT watermark_at FROM mark),
    (SELECT max(occurred_at)
     FROM event_log
     WHERE seq > (SELECT last_seq FROM mark)
       AND type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment', 'status_changed',
                    'cycle_count', 'order_placed', 'picked', 'shipped', 'order_cancelled', 'return_received',
                    'return_graded', 'refund_issued', 'po_created', 'po_updated', 'po_cancelled')
       AND coalesce(source, '') NOT IN ('workflow', 'allocator', 'replenishment'))
  ) AS watermark_at
),
facts AS (
  SELECT
    s.setting,
    s.watermark_after_days,
    d.watermark_at,
    now() AS wall_at,
    -- only the canonical form: every writer stores it (src/clock/time.ts is the one parser of what people type)
    CASE WHEN regexp_full_match(s.setting, '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z')
         THEN TRY_CAST(s.setting AS TIMESTAMPTZ) END AS pinned_at,
    epoch(now() - d.watermark_at) / 86400 AS lag_days
  FROM settings s, data d
),
decided AS (
  SELECT *,
    CASE WHEN pinned_at IS NOT NULL THEN 'pinned'
         WHEN setting <> 'wall' AND lag_days > watermark_after_days THEN 'watermark'
         ELSE 'wall' END AS mode,
    pinned_at IS NULL AND setting NOT IN ('', 'auto', 'wall') AS setting_ignored
  FROM facts
)
SELECT
  CASE mode WHEN 'pinned' THEN pinned_at WHEN 'watermark' THEN watermark_at ELSE wall_at END AS clock_at,
  mode,
  CASE WHEN setting_ignored THEN 'the clock setting ''' || setting || ''' is not a time and is ignored; ' ELSE '' END ||
  CASE mode
    WHEN 'pinned' THEN 'pinned with retailos settings clock'
    WHEN 'watermark' THEN 'watermark (wall clock is ' || printf('%.1f', lag_days) || ' days past the data)'
    WHEN 'wall' THEN CASE
      WHEN setting = 'wall' THEN 'wall (set with retailos settings clock wall)'
      WHEN watermark_at IS NULL THEN 'wall (no operational events yet)'
      ELSE 'wall (the data is live: its newest event is ' || printf('%.1f', greatest(lag_days, 0)) ||
           ' days old, within clock_watermark_days = ' || printf('%g', watermark_after_days) || ')'
    END
  END AS reason,
  wall_at,
  watermark_at,
  lag_days,
  watermark_after_days,
  setting,
  setting_ignored
FROM decided
