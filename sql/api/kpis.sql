-- GET /api/v1/kpis: key performance indicators (mart_kpis, sql/marts: one row per kpi × scope × scope_id).
-- params: $kpi, $scope (NULL = any)
SELECT kpi, scope, scope_id, value, unit, numerator, denominator, window_start, window_end
FROM mart_kpis
WHERE ($kpi::VARCHAR IS NULL OR kpi = $kpi::VARCHAR)
  AND ($scope::VARCHAR IS NULL OR scope = $scope::VARCHAR)
ORDER BY kpi, scope, scope_id NULLS FIRST
