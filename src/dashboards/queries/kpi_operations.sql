-- grain: one row per (kpi, day, channel_id, node_id, category) of the operations KPIs: the numerators and
-- denominators of mart_kpi_daily (here its operations part), the one definition of every KPI. Pages add them up over
-- the filter selection by the KPI's aggregation (mart_kpi_definitions), as mart_kpis does per period for the API.
SELECT kpi, day, channel_id, node_id, category, numerator, denominator
FROM mart_kpi_daily_operations
ORDER BY kpi, day, channel_id, node_id, category
