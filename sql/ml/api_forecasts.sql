-- GET /api/v1/forecasts: the `forecasts` read model (latest run; one row per series_kind, sku,
-- node_id | channel_id, forecast_date), filtered and paged.
-- params: $sku, $node_id, $channel_id, $series_kind, $from, $to (NULL = any), $limit, $offset
SELECT series_kind, sku, node_id, channel_id, CAST(forecast_date AS VARCHAR) AS forecast_date, horizon, mean, p10,
       p50, p90, model_version, CAST(origin_date AS VARCHAR) AS origin_date, run_id
FROM forecasts
WHERE ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($node_id::VARCHAR IS NULL OR node_id = $node_id::VARCHAR)
  AND ($channel_id::VARCHAR IS NULL OR channel_id = $channel_id::VARCHAR)
  AND ($series_kind::VARCHAR IS NULL OR series_kind = $series_kind::VARCHAR)
  AND ($from::DATE IS NULL OR forecast_date >= $from::DATE)
  AND ($to::DATE IS NULL OR forecast_date <= $to::DATE)
ORDER BY series_kind, sku, node_id NULLS LAST, channel_id NULLS LAST, forecast_date
LIMIT $limit::BIGINT OFFSET $offset::BIGINT
