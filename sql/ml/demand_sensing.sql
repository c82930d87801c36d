-- grain: one row per series (sku × node or sku × channel) whose recent demand runs above plan.
-- "Plan" is the active model's forecast made at the start of the window (a backcast from data up to
-- origin − $window_days, in ml_sensing_plan), compared with what sold in the window (ml_demand). A
-- series is flagged when the window's sales exceed the plan's 90% quantile, by at least $min_uplift and
-- $min_units. The uplift is carried onto this run's forecast of the next $cover_days (ml_next) and compared
-- with what on-hand plus inbound covers (ml_cover, from the ledger's positions; NULL without a ledger).
-- Params: $run_id, $window_start, $window_end (DATE), $origin_t, $window_days, $min_uplift, $min_units.
WITH window_sales AS (
  SELECT series_id, sum(qty) AS actual_units, count(*) FILTER (WHERE promo) AS promo_days
  FROM ml_demand
  WHERE t > $origin_t::INTEGER - $window_days::INTEGER AND t <= $origin_t::INTEGER
  GROUP BY series_id
),
flagged AS (
  SELECT
    s.series_id, s.sku, s.node_id, s.channel_id,
    w.actual_units, p.planned_units, p.upper_units, w.promo_days,
    w.actual_units / nullif(p.planned_units, 0) - 1 AS uplift
  FROM window_sales w
  JOIN ml_sensing_plan p USING (series_id)
  JOIN ml_series s USING (series_id)
  WHERE w.actual_units > p.upper_units
    AND w.actual_units >= p.planned_units * (1 + $min_uplift::DOUBLE)
    AND w.actual_units - p.planned_units >= $min_units::DOUBLE
)
SELECT
  $run_id::BIGINT AS run_id,
  CASE WHEN f.node_id IS NOT NULL THEN 'node' ELSE 'channel' END AS series_kind,
  f.sku, f.node_id, f.channel_id,
  $window_start::DATE AS window_start,
  $window_end::DATE AS window_end,
  f.actual_units,
  f.planned_units,
  f.upper_units,
  coalesce(f.uplift, 1) AS uplift_pct,
  f.promo_days::INTEGER AS promo_days,
  CASE WHEN f.promo_days > 0 THEN 'promotion' ELSE 'other' END AS driver,
  -- the next days at the pace of the window (uplift capped at ×3 so one spike does not dominate)
  n.next_mean * least(3.0, f.actual_units / greatest(f.planned_units, 1e-9)) AS next_demand,
  c.cover_units,
  CASE WHEN c.cover_units IS NULL THEN NULL
    ELSE greatest(0, n.next_mean * least(3.0, f.actual_units / greatest(f.planned_units, 1e-9)) - c.cover_units) END
    AS shortfall_units,
  CASE
    WHEN c.cover_units IS NOT NULL
      AND n.next_mean * least(3.0, f.actual_units / greatest(f.planned_units, 1e-9)) > c.cover_units
      AND coalesce(f.uplift, 1) >= 0.5 THEN 'high'
    WHEN (c.cover_units IS NOT NULL AND n.next_mean * least(3.0, f.actual_units / greatest(f.planned_units, 1e-9)) > c.cover_units)
      OR coalesce(f.uplift, 1) >= 0.5 THEN 'medium'
    ELSE 'low'
  END AS severity
FROM flagged f
JOIN ml_next n USING (series_id)
LEFT JOIN ml_cover c USING (series_id)
ORDER BY shortfall_units DESC NULLS LAST, uplift_pct DESC
