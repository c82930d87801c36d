-- grain: one row per series (series_id): its periods as lists, index 1 = period t0, consecutive.
-- ys: demand per observed period, NULL for a stockout (sales censored by missing stock are not demand);
-- ps / promos / markdowns: price and flags over the observed and the known future periods.
-- Input: ml_demand (dense per series; qty NULL only for future periods, which come last).
SELECT
  series_id,
  min(t) AS t0,
  count(qty) AS n_hist,
  list(CASE WHEN in_stock IS FALSE THEN NULL ELSE qty END ORDER BY t) FILTER (WHERE qty IS NOT NULL) AS ys,
  list(price ORDER BY t) AS ps,
  list(CASE WHEN promo THEN 1 ELSE 0 END ORDER BY t) AS promos,
  list(CASE WHEN markdown THEN 1 ELSE 0 END ORDER BY t) AS markdowns
FROM ml_demand
GROUP BY series_id
