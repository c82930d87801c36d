-- Daily operational series for anomaly detection.
-- grain: one row per (metric, scope_kind, scope_id, day), every day from the first event day to the last event
-- day not after the business clock (business_clock: a clock at midnight ends the day before, as in
-- mart_periods). Events dated after the clock are not scored: a day the clock has not reached has no actuals
-- yet, and an event sent dated ahead must not make one (days without activity are 0; cancellation_rate is NULL
-- on days without placed lines).
-- Skus get their own sales series where volume allows: at least 5 units a day on average.
WITH
bounds AS (
  SELECT min(occurred_at)::DATE AS first_day,
         least(max(occurred_at)::DATE,
               (SELECT CAST(clock_at - INTERVAL 1 MICROSECOND AS DATE) FROM business_clock)) AS last_day
  FROM events
),
days AS (
  SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS day FROM bounds
),
items AS (SELECT sku, category FROM stg_items),
sales AS (
  SELECT day, node_id, channel_id, category, sku, qty FROM ledger_sales WHERE day <= (SELECT last_day FROM bounds)
),
busy_skus AS (
  SELECT sku FROM sales, bounds
  GROUP BY sku, first_day, last_day
  HAVING sum(qty) >= 5 * (date_diff('day', first_day, last_day) + 1)
),
returns AS (
  SELECT occurred_at::DATE AS day, (payload->>'node_id') AS node_id, i.category,
         (payload->>'qty')::BIGINT AS qty
  FROM events e LEFT JOIN items i ON i.sku = (e.payload->>'sku')
  WHERE e.type = 'return_received'
),
shrink AS (
  SELECT occurred_at::DATE AS day, (payload->>'node_id') AS node_id,
         abs((payload->>'qty')::BIGINT) AS qty
  FROM events
  WHERE type = 'adjustment' AND (payload->>'reason') IN ('shrink', 'damage', 'expired')
    AND (payload->>'qty')::BIGINT < 0
),
order_channel AS (
  SELECT order_id, any_value(channel_id) AS channel_id, count(*) AS lines FROM ledger_order_lines GROUP BY ALL
),
refunds AS (
  SELECT e.occurred_at::DATE AS day, oc.channel_id, (e.payload->>'amount')::DOUBLE AS amount
  FROM events e JOIN order_channel oc ON oc.order_id = (e.payload->>'order_id')
  WHERE e.type = 'refund_issued'
),
placed AS (
  SELECT placed_at::DATE AS day, channel_id, count(*) AS lines FROM ledger_order_lines GROUP BY ALL
),
cancelled AS (
  SELECT e.occurred_at::DATE AS day, oc.channel_id,
         sum(CASE WHEN (e.payload->>'line_id') IS NULL THEN oc.lines ELSE 1 END) AS lines
  FROM events e JOIN order_channel oc ON oc.order_id = (e.payload->>'order_id')
  WHERE e.type = 'order_cancelled'
  GROUP BY ALL
),
claims AS (
  -- reservation flow per node: allocations in, shipments and releases out
  SELECT occurred_at::DATE AS day, (payload->>'node_id') AS node_id,
         CASE type WHEN 'allocated' THEN 1 ELSE -1 END * (payload->>'qty')::BIGINT AS qty
  FROM events
  WHERE type IN ('allocated', 'shipped', 'allocation_released')
),
raw AS (
  SELECT 'sales_units' AS metric, 'node' AS scope_kind, node_id AS scope_id, day, sum(qty)::DOUBLE AS value
    FROM sales WHERE node_id IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'channel', channel_id, day, sum(qty) FROM sales WHERE channel_id IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'category', category, day, sum(qty) FROM sales WHERE category IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'all', 'all', day, sum(qty) FROM sales GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'sku', sku, day, sum(qty) FROM sales WHERE sku IN (SELECT sku FROM busy_skus) GROUP BY ALL
  UNION ALL SELECT 'returns_units', 'node', node_id, day, sum(qty) FROM returns GROUP BY ALL
  UNION ALL SELECT 'returns_units', 'category', category, day, sum(qty) FROM returns WHERE category IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'returns_units', 'all', 'all', day, sum(qty) FROM returns GROUP BY ALL
  UNION ALL SELECT 'shrink_units', 'node', node_id, day, sum(qty) FROM shrink GROUP BY ALL
  UNION ALL SELECT 'refunds_amount', 'channel', channel_id, day, sum(amount) FROM refunds GROUP BY ALL
  UNION ALL SELECT 'refunds_amount', 'all', 'all', day, sum(amount) FROM refunds GROUP BY ALL
  UNION ALL SELECT 'backlog_units', 'node', node_id, day, sum(qty) FROM claims GROUP BY ALL
),
series AS (SELECT DISTINCT metric, scope_kind, scope_id FROM raw),
grid AS (
  SELECT s.metric, s.scope_kind, s.scope_id, d.day, coalesce(r.value, 0) AS value
  FROM series s CROSS JOIN days d
  LEFT JOIN raw r USING (metric, scope_kind, scope_id, day)
),
levels AS (
  -- backlog is a stock, not a flow: the running sum of the reservation flow
  SELECT metric, scope_kind, scope_id, day,
         CASE WHEN metric = 'backlog_units'
              THEN sum(value) OVER (PARTITION BY metric, scope_kind, scope_id ORDER BY day)
              ELSE value END AS value
  FROM grid
),
rates AS (
  SELECT 'cancellation_rate' AS metric, 'channel' AS scope_kind, p.channel_id AS scope_id, d.day,
         coalesce(c.lines, 0)::DOUBLE / nullif(p.lines, 0) AS value
  FROM (SELECT DISTINCT channel_id FROM placed) ch
  CROSS JOIN days d
  LEFT JOIN placed p ON p.channel_id = ch.channel_id AND p.day = d.day
  LEFT JOIN cancelled c ON c.channel_id = ch.channel_id AND c.day = d.day
)
SELECT metric, scope_kind, scope_id, day, value FROM levels
UNION ALL
SELECT metric, scope_kind, scope_id, day, value FROM rates WHERE scope_id IS NOT NULL
ORDER BY metric, scope_kind, scope_id, day
