-- grain: one row per (series_id, origin_t) for each forecast origin in ml_origins at which the series has
-- history: what is known at the end of period origin_t, from periods <= origin_t only. Index i is the
-- origin's position in the series' lists; every window is ml_window(xs, i, n) (ending at i), so nothing
-- after the origin can leak in. Horizon lists (h = 1..max_h) carry what is known ahead about each target
-- period — planned price and promotion, the same period a year earlier (target − {{year}} <= origin) —
-- and the label (NULL for future periods and stockouts).
-- Inputs: ml_history, ml_location_history, ml_group_history, ml_series, ml_origins (keep_per_mille samples the
-- (series, origin) pairs deterministically by hash).
-- Constants: {{season}}, {{year}}, windows {{w_recent}} {{w_base}} {{w_mid}} {{w_long}}.
WITH base AS (
  SELECT
    h.series_id, o.origin_t, o.max_h, o.keep_per_mille, h.ys, h.ps, h.promos, h.markdowns,
    (o.origin_t - h.t0 + 1)::INTEGER AS i,
    (o.origin_t - lh.t0 + 1)::INTEGER AS li,
    (o.origin_t - gh.t0 + 1)::INTEGER AS gi,
    lh.qs AS loc_qs, gh.qs AS group_qs,
    s.region_key, s.location_code, s.category_code, s.list_price,
    ml_slice(h.ys, o.origin_t - h.t0 + 2 - {{year}} - 3, o.max_h + 6) AS year_around
  FROM ml_history h
  JOIN ml_series s USING (series_id)
  CROSS JOIN ml_origins o
  LEFT JOIN ml_location_history lh ON lh.location_key = s.location_key
  LEFT JOIN ml_group_history gh ON gh.location_key = s.location_key AND gh.category_key = s.category_key
  WHERE o.origin_t >= h.t0 AND o.origin_t < h.t0 + h.n_hist
    -- training samples (series, origin) pairs, keep_per_mille of them, before any list work is done
    AND (o.keep_per_mille >= 1000 OR hash(h.series_id, o.origin_t) % 1000 < o.keep_per_mille)
)
SELECT
  series_id, origin_t, max_h, keep_per_mille, region_key, location_code, category_code,
  list_avg(ml_window(ys, i, {{w_recent}})) AS mean_recent,
  list_avg(ml_window(ys, i, {{w_base}})) AS mean_base,
  list_avg(ml_window(ys, i, {{w_mid}})) AS mean_mid,
  list_avg(ml_window(ys, i, {{w_long}})) AS mean_long,
  list_stddev_samp(ml_window(ys, i, {{w_base}})) AS std_base,
  list_avg(list_transform(ml_window(ys, i, {{w_base}}), x -> CASE WHEN x > 0 THEN 0.0 WHEN x = 0 THEN 1.0 END))
    AS zero_share,
  len(list_filter(ml_window(ys, i, {{w_base}}), x -> x IS NULL)) AS stockout_periods,
  -- periods since the last sale, NULL when none in the last 2 long windows
  list_position(list_reverse(list_transform(ml_window(ys, i, {{w_long}} * 2), x -> coalesce(x > 0, false))), true)
    - 1 AS periods_since_sale,
  i AS history_periods,
  -- exponentially weighted levels (α = 0.3 and 0.1) over the last long window (older weights are < 1e-5);
  -- a stockout keeps the level
  list_reduce(ml_window(ys, i, {{w_long}}),
    (acc, x) -> CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x ELSE acc + 0.3 * (x - acc) END) AS ewma_fast,
  list_reduce(ml_window(ys, i, {{w_long}}),
    (acc, x) -> CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x ELSE acc + 0.1 * (x - acc) END) AS ewma_slow,
  -- the last value and the mean of the last 4 seasons, k periods before the origin (k = 0..6; ml_rows
  -- picks k so that origin − k falls on the target's season position)
  ml_at(ys, i) AS last_0, ml_at(ys, i - 1) AS last_1, ml_at(ys, i - 2) AS last_2, ml_at(ys, i - 3) AS last_3,
  ml_at(ys, i - 4) AS last_4, ml_at(ys, i - 5) AS last_5, ml_at(ys, i - 6) AS last_6,
  list_avg([ml_at(ys, i), ml_at(ys, i - {{season}}), ml_at(ys, i - 2 * {{season}}), ml_at(ys, i - 3 * {{season}})])
    AS smean_0,
  list_avg([ml_at(ys, i - 1), ml_at(ys, i - 1 - {{season}}), ml_at(ys, i - 1 - 2 * {{season}}),
    ml_at(ys, i - 1 - 3 * {{season}})]) AS smean_1,
  list_avg([ml_at(ys, i - 2), ml_at(ys, i - 2 - {{season}}), ml_at(ys, i - 2 - 2 * {{season}}),
    ml_at(ys, i - 2 - 3 * {{season}})]) AS smean_2,
  list_avg([ml_at(ys, i - 3), ml_at(ys, i - 3 - {{season}}), ml_at(ys, i - 3 - 2 * {{season}}),
    ml_at(ys, i - 3 - 3 * {{season}})]) AS smean_3,
  list_avg([ml_at(ys, i - 4), ml_at(ys, i - 4 - {{season}}), ml_at(ys, i - 4 - 2 * {{season}}),
    ml_at(ys, i - 4 - 3 * {{season}})]) AS smean_4,
  list_avg([ml_at(ys, i - 5), ml_at(ys, i - 5 - {{season}}), ml_at(ys, i - 5 - 2 * {{season}}),
    ml_at(ys, i - 5 - 3 * {{season}})]) AS smean_5,
  list_avg([ml_at(ys, i - 6), ml_at(ys, i - 6 - {{season}}), ml_at(ys, i - 6 - 2 * {{season}}),
    ml_at(ys, i - 6 - 3 * {{season}})]) AS smean_6,
  ml_at(ps, i) AS price_now,
  coalesce(list_price, list_max(ml_window(ps, i, {{w_long}} * 4))) AS price_ref,
  list_avg(ml_window(loc_qs, li, {{w_recent}})) / nullif(list_avg(ml_window(loc_qs, li, {{w_base}})), 0) AS loc_trend,
  list_avg(ml_window(group_qs, gi, {{w_recent}})) / nullif(list_avg(ml_window(group_qs, gi, {{w_base}})), 0)
    AS group_trend,
  list_avg(ml_window(group_qs, gi, {{w_base}})) AS group_base,
  -- the base window one year before the origin: year-ago values divided by it are a seasonal index
  list_avg(ml_window(ys, i - {{year}}, {{w_base}})) AS year_base,
  -- horizon lists as slices of max_h periods (a lambda capturing the whole history list would copy it
  -- once per element: 28 × ~760 values per series); ml_rows unnests them side by side, NULL past the end
  ml_slice(ys, i + 1, max_h) AS labels,
  ml_slice(ys, i + 1 - {{year}}, max_h) AS year_ago,
  -- the 7 periods around the same period a year earlier, averaged
  list_transform(range(1, max_h + 1), h -> list_avg(ml_span(year_around, h, h + 6))) AS year_ago_mean,
  ml_slice(ps, i + 1, max_h) AS target_prices,
  ml_slice(promos, i + 1, max_h) AS target_promos,
  ml_slice(markdowns, i + 1, max_h) AS target_markdowns
FROM base
