-- grain: one row per (series_id, origin_t, h): the feature vector for forecasting period origin_t + h
-- from origin origin_t, and its label (NULL for a future period or a stockout). The one feature
-- definition used for training (many origins, sampled in ml_state) and for scoring (the last
-- origin, every h). Column order is the contract with src/ml: ids, label, scale, then the f_ features.
-- Inputs: ml_state (state at each origin), ml_calendar, ml_region_days. Constants: {{season}}.
WITH expanded AS (
  SELECT
    st.* EXCLUDE (labels, year_ago, year_ago_mean, target_prices, target_promos, target_markdowns),
    unnest(range(1, st.max_h + 1)) AS h,
    unnest(st.labels) AS label,
    unnest(st.year_ago) AS y_year,
    unnest(st.year_ago_mean) AS y_year_mean,
    unnest(st.target_prices) AS target_price,
    unnest(st.target_promos) AS target_promo,
    unnest(st.target_markdowns) AS target_markdown
  FROM ml_state st
)
SELECT
  e.series_id,
  e.origin_t,
  e.h::INTEGER AS h,
  (e.origin_t + e.h)::INTEGER AS target_t,
  e.label::DOUBLE AS label,
  -- the scale a model may divide by: the series' recent level, else a longer one
  coalesce(nullif(e.mean_base, 0), nullif(e.mean_long, 0), 0.1)::DOUBLE AS scale,
  e.h::FLOAT AS f_h,
  dayofweek(c.date)::FLOAT AS f_dow,
  dayofmonth(c.date)::FLOAT AS f_dom,
  month(c.date)::FLOAT AS f_month,
  weekofyear(c.date)::FLOAT AS f_week,
  coalesce(c.event_code, 0)::FLOAT AS f_event,
  coalesce(c.event_type, 0)::FLOAT AS f_event_type,
  coalesce(rd.flag, 0)::FLOAT AS f_regional,
  (CASE (({{season}} - e.h % {{season}}) % {{season}})
    WHEN 0 THEN e.last_0 WHEN 1 THEN e.last_1 WHEN 2 THEN e.last_2 WHEN 3 THEN e.last_3
    WHEN 4 THEN e.last_4 WHEN 5 THEN e.last_5 WHEN 6 THEN e.last_6 END)::FLOAT AS f_last_season,
  (CASE (({{season}} - e.h % {{season}}) % {{season}})
    WHEN 0 THEN e.smean_0 WHEN 1 THEN e.smean_1 WHEN 2 THEN e.smean_2 WHEN 3 THEN e.smean_3
    WHEN 4 THEN e.smean_4 WHEN 5 THEN e.smean_5 WHEN 6 THEN e.smean_6 END)::FLOAT AS f_season_mean,
  e.last_0::FLOAT AS f_last,
  (e.last_0 / nullif(e.mean_base, 0))::FLOAT AS f_last_rel,
  e.mean_recent::FLOAT AS f_mean_recent,
  e.mean_base::FLOAT AS f_mean_base,
  e.mean_mid::FLOAT AS f_mean_mid,
  e.mean_long::FLOAT AS f_mean_long,
  e.std_base::FLOAT AS f_std_base,
  e.ewma_fast::FLOAT AS f_ewma_fast,
  e.ewma_slow::FLOAT AS f_ewma_slow,
  (e.ewma_fast / nullif(e.mean_base, 0))::FLOAT AS f_ewma_fast_rel,
  (e.ewma_slow / nullif(e.mean_base, 0))::FLOAT AS f_ewma_slow_rel,
  (e.mean_recent / nullif(e.mean_base, 0))::FLOAT AS f_trend,
  (e.mean_base / nullif(e.mean_long, 0))::FLOAT AS f_trend_long,
  e.zero_share::FLOAT AS f_zero_share,
  e.periods_since_sale::FLOAT AS f_since_sale,
  e.history_periods::FLOAT AS f_history,
  e.stockout_periods::FLOAT AS f_stockouts,
  e.y_year::FLOAT AS f_year_ago,
  e.y_year_mean::FLOAT AS f_year_ago_mean,
  -- scale-free versions: relative to the series' level (at the origin, or a year before it)
  ((CASE (({{season}} - e.h % {{season}}) % {{season}})
    WHEN 0 THEN e.last_0 WHEN 1 THEN e.last_1 WHEN 2 THEN e.last_2 WHEN 3 THEN e.last_3
    WHEN 4 THEN e.last_4 WHEN 5 THEN e.last_5 WHEN 6 THEN e.last_6 END) / nullif(e.mean_base, 0))::FLOAT
    AS f_last_season_rel,
  ((CASE (({{season}} - e.h % {{season}}) % {{season}})
    WHEN 0 THEN e.smean_0 WHEN 1 THEN e.smean_1 WHEN 2 THEN e.smean_2 WHEN 3 THEN e.smean_3
    WHEN 4 THEN e.smean_4 WHEN 5 THEN e.smean_5 WHEN 6 THEN e.smean_6 END) / nullif(e.mean_base, 0))::FLOAT
    AS f_season_mean_rel,
  (e.y_year / nullif(e.year_base, 0))::FLOAT AS f_year_ago_rel,
  (e.y_year_mean / nullif(e.year_base, 0))::FLOAT AS f_year_ago_mean_rel,
  (e.mean_base / nullif(e.year_base, 0))::FLOAT AS f_year_growth,
  (coalesce(e.target_price, e.price_now) / nullif(e.price_ref, 0))::FLOAT AS f_price_rel,
  (coalesce(e.target_price, e.price_now) / nullif(e.price_now, 0))::FLOAT AS f_price_change,
  coalesce(e.target_price, e.price_now)::FLOAT AS f_price,
  coalesce(e.target_promo, 0)::FLOAT AS f_promo,
  coalesce(e.target_markdown, 0)::FLOAT AS f_markdown,
  e.loc_trend::FLOAT AS f_loc_trend,
  e.group_trend::FLOAT AS f_group_trend,
  e.group_base::FLOAT AS f_group_base,
  (e.mean_base / nullif(e.group_base, 0))::FLOAT AS f_group_share,
  e.location_code::FLOAT AS f_location,
  e.category_code::FLOAT AS f_category
FROM expanded e
LEFT JOIN ml_calendar c ON c.t = e.origin_t + e.h
LEFT JOIN ml_region_days rd ON rd.region_key = e.region_key AND rd.t = e.origin_t + e.h
