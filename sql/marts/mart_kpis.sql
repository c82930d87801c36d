-- grain: one row per (kpi, period_grain, period_start, scope, scope_id): every KPI of mart_kpi_daily over every
-- period of mart_periods ('day', 'week', 'month', 'trailing' = the last stockout_window_days days, 'all' = the
-- whole window) and scope: 'all' (scope_id NULL), 'channel', 'node' or 'category' (where the KPI has that
-- dimension; a weekly KPI has no day rows). numerator and denominator follow the KPI's aggregation
-- (mart_kpi_definitions):
--   ratio  Σ over the period's days;  last  the period's last day in the window;
--   cover  the last day's numerator over (Σ denominator / days in the window × 7).
-- value = numerator / denominator when the denominator is positive (× 100 for '%'), else NULL (a margin
-- over negative net revenue is not a percentage); the numerator alone for a KPI without a denominator.
-- complete = the period has ended by the business clock: compare complete periods only. window_start and
-- window_end are the period's bounds as timestamps (what the API has always called them).
WITH periods AS MATERIALIZED (SELECT * FROM mart_periods),
base AS MATERIALIZED (SELECT * FROM mart_kpi_daily),
scoped AS (
  SELECT kpi, day, 'all' AS scope, NULL AS scope_id, numerator, denominator FROM base
  UNION ALL
  SELECT kpi, day, 'channel', channel_id, numerator, denominator FROM base WHERE channel_id IS NOT NULL
  UNION ALL
  SELECT kpi, day, 'node', node_id, numerator, denominator FROM base WHERE node_id IS NOT NULL
  UNION ALL
  SELECT kpi, day, 'category', category, numerator, denominator FROM base WHERE category IS NOT NULL
),
daily AS (
  SELECT kpi, day, scope, scope_id, sum(numerator) AS numerator, sum(denominator) AS denominator
  FROM scoped GROUP BY ALL
),
in_period AS (
  SELECT p.period_grain, p.period_start, p.period_end, p.complete, p.days_in_window, d.*,
         -- the period's last day in the window (a level KPI is read there)
         least(p.period_end, w.window_end) - 1 AS last_day
  FROM periods p
  CROSS JOIN (SELECT period_end AS window_end FROM periods WHERE period_grain = 'all') w
  JOIN daily d ON d.day >= p.period_start AND d.day < p.period_end
),
aggregated AS MATERIALIZED (
  SELECT i.kpi, i.period_grain, i.period_start, i.period_end, i.complete, i.scope, i.scope_id, k.unit, k.aggregation,
         k.has_denominator,
         CASE k.aggregation
           WHEN 'ratio' THEN sum(i.numerator)
           ELSE sum(i.numerator) FILTER (WHERE i.day = i.last_day) END AS numerator,
         CASE k.aggregation
           WHEN 'ratio' THEN sum(i.denominator)
           WHEN 'last' THEN sum(i.denominator) FILTER (WHERE i.day = i.last_day)
           ELSE sum(i.denominator) / any_value(i.days_in_window) * 7 END AS denominator
  FROM in_period i JOIN mart_kpi_definitions k USING (kpi)
  WHERE NOT (k.grain = 'week' AND i.period_grain = 'day') -- a weekly KPI has no day periods
  GROUP BY i.kpi, i.period_grain, i.period_start, i.period_end, i.complete, i.scope, i.scope_id, k.unit, k.aggregation,
           k.has_denominator
),
-- a count or an amount with nothing in a period is 0, not missing (scope 'all': every period)
filled AS (
  SELECT * FROM aggregated
  UNION ALL
  SELECT k.kpi, p.period_grain, p.period_start, p.period_end, p.complete, 'all', NULL, k.unit, k.aggregation,
         k.has_denominator, 0, NULL
  FROM periods p CROSS JOIN mart_kpi_definitions k
  WHERE NOT k.has_denominator AND NOT (k.grain = 'week' AND p.period_grain = 'day')
    AND NOT EXISTS (SELECT 1 FROM aggregated a WHERE a.kpi = k.kpi AND a.scope = 'all'
                      AND a.period_grain = p.period_grain AND a.period_start = p.period_start)
)
SELECT
  kpi, period_grain, period_start, period_end, complete, scope, scope_id,
  round(CASE WHEN unit = '%' THEN 100.0 ELSE 1.0 END
        * CASE WHEN NOT has_denominator THEN coalesce(numerator, 0)
               WHEN denominator > 0 THEN numerator / denominator END, 4) AS value,
  unit,
  CAST(numerator AS DOUBLE) AS numerator,
  CAST(denominator AS DOUBLE) AS denominator,
  CAST(period_start AS TIMESTAMPTZ) AS window_start,
  CAST(period_end AS TIMESTAMPTZ) AS window_end
FROM filled
