-- GET /api/v1/forecasts/sensing: the `demand_sensing` read model (series the latest run flagged as selling
-- above plan), filtered and paged, the largest shortfall first.
-- params: $sku, $node_id, $channel_id, $severity (NULL = any), $limit, $offset
SELECT series_kind, sku, node_id, channel_id, severity, driver, opened_at,
       CAST(window_start AS VARCHAR) AS window_start, CAST(window_end AS VARCHAR) AS window_end,
       actual_units, planned_units, upper_units, excess_units, uplift_pct, promo_days, cover_days, next_demand,
       available_units, inbound_units, cover_units, shortfall_units, unit_price, revenue_at_risk,
       model_version, CAST(origin_date AS VARCHAR) AS origin_date, run_id
FROM demand_sensing
WHERE ($sku::VARCHAR IS NULL OR sku = $sku::VARCHAR)
  AND ($node_id::VARCHAR IS NULL OR node_id = $node_id::VARCHAR)
  AND ($channel_id::VARCHAR IS NULL OR channel_id = $channel_id::VARCHAR)
  AND ($severity::VARCHAR IS NULL OR severity = $severity::VARCHAR)
ORDER BY shortfall_units DESC NULLS LAST, excess_units DESC, sku, node_id NULLS LAST, channel_id NULLS LAST
LIMIT $limit::BIGINT OFFSET $offset::BIGINT
