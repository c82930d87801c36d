-- grain: one row per KPI (mart_kpi_definitions): label, unit, which way is better, how it adds up.
SELECT kpi, label, unit, aggregation, better, description, family, has_denominator, grain FROM mart_kpi_definitions
ORDER BY kpi
