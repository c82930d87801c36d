-- GET /api/v1/kpis: key performance indicators (mart_kpis, sql/marts: one row per kpi × period × scope ×
-- scope_id; the same definitions the dashboards read). params: $kpi, $scope, $period (NULL = 'trailing'),
-- $from, $to (period starts, dates; NULL = any)
SELECT kpi, period_grain, period_start, period_end, complete, scope, scope_id, value, unit, numerator, denominator,
       window_start, window_end
FROM mart_kpis
WHERE ($kpi::VARCHAR IS NULL OR kpi = $kpi::VARCHAR)
  AND ($scope::VARCHAR IS NULL OR scope = $scope::VARCHAR)
  AND period_grain = coalesce($period::VARCHAR, 'trailing')
  AND ($from::DATE IS NULL OR period_start >= $from::DATE)
  AND ($to::DATE IS NULL OR period_start <= $to::DATE)
ORDER BY kpi, period_start, scope, scope_id NULLS FIRST
