-- Daily operational series for anomaly detection.
-- grain: one row per (metric, scope_kind, scope_id, day), every day from the first event day to the last event
-- day that has ended by the business clock (business_clock; the clock's own day is under way, so it holds only
-- part of its actuals and would read as a collapse). Events dated after the clock are not scored, and an event
-- sent dated ahead must not make a day (days without activity are 0; cancellation_rate is NULL on days without
-- placed lines).
-- `events` / `exposure`: the series is a count (scored by the count model, src/anomaly/count-model.ts):
-- events out of an exposure (sale lines, returns or shrink adjustments a day, exposure 1; cancelled lines out of
-- lines placed). NULL: a level or an
-- amount (scored by the ONNX detector). Counts: sales per sku (every sku that sold in the last $sku_days
-- days, slow movers included), shrink per node, returns per node and category, cancelled lines per channel.
-- Guards on the length (parameters $max_days, $sku_days): the range ends at the last event day that is not
-- in the future of its own arrival (an event dated 2124 does not stretch it), starts at most $max_days
-- before; sku series cover the last $sku_days days.
WITH
plausible AS (
  -- an event whose clock is ahead of its arrival by more than a day has a wrong date: it does not set the range
  SELECT occurred_at FROM events WHERE occurred_at <= received_at + INTERVAL 1 DAY
),
ends AS (
  SELECT least(max(occurred_at)::DATE,
               -- the last day that has ended by the clock: a day still under way has part of its actuals
               (SELECT CAST(clock_at AS DATE) - 1 FROM business_clock)) AS last_day,
         min(occurred_at)::DATE AS earliest
  FROM plausible
),
bounds AS (
  SELECT greatest(earliest, last_day - $max_days::INTEGER + 1) AS first_day, last_day,
         greatest(earliest, last_day - $sku_days::INTEGER + 1) AS sku_first_day
  FROM ends
),
days AS (
  SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS day FROM bounds
),
items AS (SELECT sku, category FROM stg_items),
sales AS (
  SELECT s.day, s.node_id, s.channel_id, s.category, s.sku, s.qty
  FROM ledger_sales s, bounds b WHERE s.day BETWEEN b.first_day AND b.last_day
),
active_skus AS (
  SELECT DISTINCT sku FROM sales, bounds WHERE day >= sku_first_day AND sku IS NOT NULL
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
opening_backlog AS (
  SELECT 'backlog_units' AS metric, 'node' AS scope_kind, node_id AS scope_id, sum(qty) AS opening
  FROM claims, bounds WHERE day < first_day GROUP BY ALL
),
raw AS (
  -- value: units or amount; n: how many events made it (count series are modelled on events: units come in lumps)
  SELECT 'sales_units' AS metric, 'node' AS scope_kind, node_id AS scope_id, day, sum(qty)::DOUBLE AS value,
         count(*) AS n
    FROM sales WHERE node_id IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'channel', channel_id, day, sum(qty), count(*) FROM sales WHERE channel_id IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'category', category, day, sum(qty), count(*) FROM sales WHERE category IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'all', 'all', day, sum(qty), count(*) FROM sales GROUP BY ALL
  UNION ALL SELECT 'sales_units', 'sku', sku, day, sum(qty), count(*) FROM sales WHERE sku IN (SELECT sku FROM active_skus) GROUP BY ALL
  UNION ALL SELECT 'returns_units', 'node', node_id, day, sum(qty), count(*) FROM returns GROUP BY ALL
  UNION ALL SELECT 'returns_units', 'category', category, day, sum(qty), count(*) FROM returns WHERE category IS NOT NULL GROUP BY ALL
  UNION ALL SELECT 'returns_units', 'all', 'all', day, sum(qty), count(*) FROM returns GROUP BY ALL
  UNION ALL SELECT 'shrink_units', 'node', node_id, day, sum(qty), count(*) FROM shrink GROUP BY ALL
  UNION ALL SELECT 'refunds_amount', 'channel', channel_id, day, sum(amount), count(*) FROM refunds GROUP BY ALL
  UNION ALL SELECT 'refunds_amount', 'all', 'all', day, sum(amount), count(*) FROM refunds GROUP BY ALL
  UNION ALL SELECT 'backlog_units', 'node', node_id, day, sum(qty), count(*) FROM claims GROUP BY ALL
),
series AS (SELECT DISTINCT metric, scope_kind, scope_id FROM raw),
grid AS (
  SELECT s.metric, s.scope_kind, s.scope_id, d.day, coalesce(r.value, 0) AS value, coalesce(r.n, 0) AS n
  FROM series s CROSS JOIN days d CROSS JOIN bounds b
  LEFT JOIN raw r ON r.metric = s.metric AND r.scope_kind = s.scope_kind AND r.scope_id IS NOT DISTINCT FROM s.scope_id AND r.day = d.day
  WHERE s.scope_kind <> 'sku' OR d.day >= b.sku_first_day
),
count_series(metric, scope_kind) AS (
  VALUES ('sales_units', 'sku'), ('shrink_units', 'node'), ('returns_units', 'node'), ('returns_units', 'category')
),
levels AS (
  -- backlog is a stock, not a flow: the running sum of the reservation flow (from before the range, too)
  SELECT g.metric, g.scope_kind, g.scope_id, g.day,
         CASE WHEN g.metric = 'backlog_units'
              THEN sum(g.value) OVER (PARTITION BY g.metric, g.scope_kind, g.scope_id ORDER BY g.day)
                   + coalesce(o.opening, 0)
              ELSE g.value END AS value,
         -- shrink comes in lumps (a damaged case) and too rarely to learn their size: count the adjustments
         CASE WHEN (g.metric, g.scope_kind) IN (SELECT * FROM count_series)
              THEN CASE WHEN g.metric = 'shrink_units' THEN g.n ELSE g.value END::DOUBLE END AS events,
         CASE WHEN (g.metric, g.scope_kind) IN (SELECT * FROM count_series) THEN 1.0 END AS exposure
  FROM grid g
  LEFT JOIN opening_backlog o ON o.metric = g.metric AND o.scope_kind = g.scope_kind AND o.scope_id = g.scope_id
),
rates AS (
  SELECT 'cancellation_rate' AS metric, 'channel' AS scope_kind, ch.channel_id AS scope_id, d.day,
         coalesce(c.lines, 0)::DOUBLE / nullif(p.lines, 0) AS value,
         coalesce(c.lines, 0)::DOUBLE AS events, coalesce(p.lines, 0)::DOUBLE AS exposure
  FROM (SELECT DISTINCT channel_id FROM placed) ch
  CROSS JOIN days d
  LEFT JOIN placed p ON p.channel_id = ch.channel_id AND p.day = d.day
  LEFT JOIN cancelled c ON c.channel_id = ch.channel_id AND c.day = d.day
)
SELECT metric, scope_kind, scope_id, day, value, events, exposure FROM levels
UNION ALL
SELECT metric, scope_kind, scope_id, day, value, events, exposure FROM rates WHERE scope_id IS NOT NULL
ORDER BY metric, scope_kind, scope_id, day
