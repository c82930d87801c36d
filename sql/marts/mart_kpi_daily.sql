-- grain: one row per (kpi, day, channel_id, node_id, category) with a numerator and a denominator: THE
-- definition of every KPI and headline figure (mart_kpi_definitions says what each is and how it adds up),
-- from its family's view (mart_kpi_daily_operations, _finance, _demand: a reader of one family computes only
-- that one). A dimension a KPI does not have is NULL (order KPIs have a channel, stock KPIs a node and a
-- category). Days run from the first business day to the business clock (mart_periods); mart_kpis aggregates
-- these rows per period and scope for the API and the CLI, the dashboards per filter selection: the same
-- numbers.
SELECT * FROM mart_kpi_daily_operations
UNION ALL
SELECT * FROM mart_kpi_daily_finance
UNION ALL
SELECT * FROM mart_kpi_daily_demand
