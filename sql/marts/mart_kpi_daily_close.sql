-- grain: one row per (kpi, day, channel_id, node_id, category) of close_days, the finance KPI of close speed
-- (mart_kpi_definitions family 'finance'): for each ended day, how many days after its end the last event that
-- changed its inventory value, revenue or margin arrived (mart_close_periods.days_to_settle); no dimensions.
-- Part of mart_kpi_daily. Kept apart from mart_kpi_daily_finance because it is the one KPI that depends on when
-- events arrived, not only on what happened: every other KPI is the same however the events were delivered.
SELECT 'close_days' AS kpi, period_start AS day, CAST(NULL AS VARCHAR) AS channel_id, CAST(NULL AS VARCHAR) AS node_id,
       CAST(NULL AS VARCHAR) AS category, CAST(days_to_settle AS DOUBLE) AS numerator, CAST(1 AS DOUBLE) AS denominator
FROM mart_close_periods
WHERE period_grain = 'day' AND complete
