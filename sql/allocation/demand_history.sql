-- grain: one row per (channel_id, region, promise_days, sku) of the order lines placed in the look-ahead's
-- history window ($from_ms, $as_of_ms] (business time, epoch ms): units ordered. Each order id counts once,
-- by its latest placement in the window (as order_lines.sql reads it). promise_days = promised date −
-- placement date (UTC days), NULL without a promise. Pickup orders are left out: they are served at their
-- store, not routed. Cancelled orders stay in: they were demand when placed.
WITH placed AS (
  SELECT occurred_at, payload
  FROM event_log
  WHERE type = 'order_placed'
    AND occurred_at > make_timestamptz($from_ms::BIGINT * 1000)
    AND occurred_at <= make_timestamptz($as_of_ms::BIGINT * 1000)
  QUALIFY row_number() OVER (PARTITION BY payload->>'order_id' ORDER BY occurred_at DESC, seq DESC) = 1
)
SELECT
  p.payload->>'channel_id'                                                       AS channel_id,
  p.payload->>'ship_to_region'                                                   AS region,
  CAST(left(p.payload->>'promised_by', 10) AS DATE) - CAST(p.occurred_at AS DATE) AS promise_days,
  l.line->>'sku'                                                                 AS sku,
  sum((l.line->>'qty')::BIGINT)::BIGINT                                          AS units
FROM placed p, unnest(CAST(p.payload->'lines' AS JSON[])) AS l(line)
WHERE coalesce(p.payload->>'service_level', 'standard') <> 'pickup'
GROUP BY ALL
ORDER BY ALL
