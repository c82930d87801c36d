-- grain: one row per (sku, channel_id) of the skus in $skus (a JSON array of text) that the latest forecast run
-- covers for the days after $as_of_ms up to $horizon_days: expected units per day, averaged over those days.
-- channel_id is NULL for the sku × node series, summed over nodes (the sku's total demand); a sku × channel
-- series gives the channel's own. Reads the `forecasts` read model (sql/migrations/0070_forecasts.sql).
WITH days AS (
  SELECT series_kind, sku, channel_id, forecast_date, sum(mean) AS units
  FROM forecasts
  WHERE sku IN (SELECT unnest(from_json($skus::JSON, '["VARCHAR"]')))
    AND forecast_date > CAST(make_timestamptz($as_of_ms::BIGINT * 1000) AS DATE)
    AND forecast_date <= CAST(make_timestamptz($as_of_ms::BIGINT * 1000) AS DATE) + $horizon_days::INTEGER
  GROUP BY ALL
)
SELECT sku, CASE WHEN series_kind = 'channel' THEN channel_id END AS channel_id, avg(units) AS units_per_day
FROM days
WHERE series_kind IN ('channel', 'node')
GROUP BY ALL
ORDER BY ALL
