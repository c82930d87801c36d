-- grain: one row per (period_grain, period_start): the reporting calendar from the first business day in the
-- event log to the business clock (mart_clock.as_of). period_grain: 'day', 'week' (ISO, Monday first),
-- 'month', 'trailing' (the last stockout_window_days days up to the clock's day) and 'all' (the whole window).
-- A period is [period_start, period_end); complete = it has ended by the clock. Trends and deltas compare
-- complete periods only: an incomplete one is shown as such, never against a complete one.
WITH cfg AS (
  SELECT (SELECT min(occurred_at) FROM event_log)::DATE AS first_day,
         -- the last day with any business time before the clock (the clock at midnight ends the day before)
         CAST(c.as_of - INTERVAL 1 MICROSECOND AS DATE) AS last_day,
         c.as_of, l.stockout_window_days AS trailing_days
  FROM mart_clock c CROSS JOIN ledger_config l
),
days AS (
  SELECT CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS day
  FROM cfg WHERE first_day <= last_day
),
periods AS (
  SELECT 'day' AS period_grain, day AS period_start, day + 1 AS period_end FROM days
  UNION ALL
  SELECT DISTINCT 'week', CAST(date_trunc('week', day) AS DATE), CAST(date_trunc('week', day) AS DATE) + 7 FROM days
  UNION ALL
  SELECT DISTINCT 'month', CAST(date_trunc('month', day) AS DATE),
         CAST(date_trunc('month', day) + INTERVAL 1 MONTH AS DATE) FROM days
  UNION ALL
  SELECT 'trailing', greatest(first_day, last_day - trailing_days + 1), last_day + 1 FROM cfg WHERE first_day <= last_day
  UNION ALL
  SELECT 'all', first_day, last_day + 1 FROM cfg WHERE first_day <= last_day
)
SELECT p.period_grain, p.period_start, p.period_end,
       -- days of the period inside the data window (the first week or month may start before the data)
       least(p.period_end, cfg.last_day + 1) - greatest(p.period_start, cfg.first_day) AS days_in_window,
       CAST(p.period_end AS TIMESTAMPTZ) <= cfg.as_of AS complete
FROM periods p CROSS JOIN cfg
