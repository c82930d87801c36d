-- grain: one row per (kpi, day) of close_days (days to close, finance): the numerators and denominators of
-- mart_kpi_daily (its close part), the one definition; the Margin page adds them up by the KPI's aggregation.
SELECT kpi, day, channel_id, node_id, category, numerator, denominator
FROM mart_kpi_daily_close
ORDER BY kpi, day
