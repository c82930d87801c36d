-- grain: one row per reporting period (mart_periods): day, week (ISO, Monday first), month and the whole window,
-- with complete = ended by the business clock. Pages compare complete periods only.
SELECT period_grain, period_start, period_end, complete, days_in_window
FROM mart_periods WHERE period_grain IN ('day', 'week', 'month', 'all')
ORDER BY period_grain, period_start
