-- grain: one row per (kpi, day, channel_id, node_id, category) of the operations KPIs: the numerators and
-- denominators of mart_kpi_daily, the one definition of every KPI. Pages add them up over the filter
-- selection by the KPI's aggregation (mart_kpi_definitions), as mart_kpis does per period for the API.
SELECT d.kpi, d.day, d.channel_id, d.node_id, d.category, d.numerator, d.denominator
FROM mart_kpi_daily d JOIN mart_kpi_definitions k USING (kpi)
WHERE k.family = 'operations'
ORDER BY d.kpi, d.day, d.channel_id, d.node_id, d.category
