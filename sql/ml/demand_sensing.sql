-- grain: one row per series (sku × node or sku × channel) whose recent demand runs above plan.
-- "Plan" is the active model's forecast made at the start of the window (a backcast from data up to
-- origin − $window_days, in ml_sensing_plan), compared with what sold in the window (ml_demand). A
-- series is flagged when the window's sales exceed the plan's 90% quantile, by at least $min_uplift and
-- $min_units. The uplift is carried onto this run's forecast of the next $cover_days (ml_next) and compared
-- with what the ledger covers in those days (ml_cover: available now + inbound due by then; no row = no
-- ledger position, cover unknown). The shortfall is valued at the price at the origin (revenue at risk).
-- opened_at: a series flagged by the previous run too (its window reaching this one's) continues that
-- episode; otherwise the episode opens at this window's start.
-- Inputs: ml_demand, ml_series, ml_history, ml_sensing_plan, ml_next, ml_cover, demand_signals, forecast_runs.
-- Params: $run_id, $window_start, $window_end (DATE), $origin_t, $window_days, $cover_days, $min_uplift,
-- $min_units.
WITH window_sales AS (
  SELECT series_id, sum(qty) AS actual_units, count(*) FILTER (WHERE promo) AS promo_days
  FROM ml_demand
  WHERE t > $origin_t::INTEGER - $window_days::INTEGER AND t <= $origin_t::INTEGER
  GROUP BY series_id
),
flagged AS (
  SELECT
    s.series_id, s.sku, s.node_id, s.channel_id, s.list_price,
    w.actual_units, p.planned_units, p.upper_units, w.promo_days,
    w.actual_units / nullif(p.planned_units, 0) - 1 AS uplift,
    -- the next days at the pace of the window (uplift capped at ×3 so one spike does not dominate)
    least(3.0, w.actual_units / greatest(p.planned_units, 1e-9)) AS pace
  FROM window_sales w
  JOIN ml_sensing_plan p USING (series_id)
  JOIN ml_series s USING (series_id)
  WHERE w.actual_units > p.upper_units
    AND w.actual_units >= p.planned_units * (1 + $min_uplift::DOUBLE)
    AND w.actual_units - p.planned_units >= $min_units::DOUBLE
),
measured AS (
  SELECT
    f.*,
    n.next_mean * f.pace AS next_demand,
    c.available_units, c.inbound_units,
    c.available_units + c.inbound_units AS cover_units,
    coalesce(ml_at(h.ps, $origin_t::INTEGER - h.t0 + 1), f.list_price) AS unit_price
  FROM flagged f
  JOIN ml_next n USING (series_id)
  JOIN ml_history h USING (series_id)
  LEFT JOIN ml_cover c USING (series_id)
),
scored AS (
  SELECT
    m.*,
    CASE WHEN m.cover_units IS NULL THEN NULL ELSE greatest(0, m.next_demand - m.cover_units) END AS shortfall_units
  FROM measured m
),
previous AS (
  SELECT series_kind, sku, node_id, channel_id, coalesce(opened_at, CAST(window_start AS TIMESTAMPTZ)) AS opened_at
  FROM demand_signals
  WHERE run_id = (SELECT max(run_id) FROM forecast_runs WHERE run_id < $run_id::BIGINT)
    AND window_end >= $window_start::DATE - INTERVAL 1 DAY
)
SELECT
  $run_id::BIGINT AS run_id,
  CASE WHEN s.node_id IS NOT NULL THEN 'node' ELSE 'channel' END AS series_kind,
  s.sku, s.node_id, s.channel_id,
  $window_start::DATE AS window_start,
  $window_end::DATE AS window_end,
  s.actual_units,
  s.planned_units,
  s.upper_units,
  s.actual_units - s.planned_units AS excess_units,
  coalesce(s.uplift, 1) AS uplift_pct,
  s.promo_days::INTEGER AS promo_days,
  CASE WHEN s.promo_days > 0 THEN 'promotion' ELSE 'other' END AS driver,
  $cover_days::INTEGER AS cover_days,
  s.next_demand,
  s.available_units,
  s.inbound_units,
  s.cover_units,
  s.shortfall_units,
  s.unit_price,
  s.shortfall_units * s.unit_price AS revenue_at_risk,
  CASE
    WHEN s.shortfall_units > 0 AND coalesce(s.uplift, 1) >= 0.5 THEN 'high'
    WHEN s.shortfall_units > 0 OR coalesce(s.uplift, 1) >= 0.5 THEN 'medium'
    ELSE 'low'
  END AS severity,
  coalesce(p.opened_at, CAST($window_start::DATE AS TIMESTAMPTZ)) AS opened_at
FROM scored s
LEFT JOIN previous p
  ON p.sku = s.sku
  AND p.node_id IS NOT DISTINCT FROM s.node_id
  AND p.channel_id IS NOT DISTINCT FROM s.channel_id
ORDER BY s.shortfall_units DESC NULLS LAST, uplift_pct DESC
