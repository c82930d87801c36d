-- grain: one row per (location_key, category_key) (store × department): units per member series per
-- period, as a list from t0. The hierarchy aggregate behind the group level and trend features.
SELECT location_key, category_key, min(t) AS t0, list(qty ORDER BY t) AS qs
FROM (
  SELECT s.location_key, s.category_key, d.t, sum(d.qty) / count(*) AS qty
  FROM ml_demand d JOIN ml_series s USING (series_id)
  WHERE d.qty IS NOT NULL
  GROUP BY ALL
)
GROUP BY location_key, category_key
