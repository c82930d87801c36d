-- grain: one row per location_key (store, node): total units sold over its series per period, as a list
-- from t0 (sales as recorded, stockouts included: used for the location's recent trend only).
SELECT location_key, min(t) AS t0, list(qty ORDER BY t) AS qs
FROM (
  SELECT s.location_key, d.t, sum(d.qty) AS qty
  FROM ml_demand d JOIN ml_series s USING (series_id)
  WHERE d.qty IS NOT NULL
  GROUP BY ALL
)
GROUP BY location_key
