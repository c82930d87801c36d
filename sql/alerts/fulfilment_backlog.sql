-- Fulfilment backlog above capacity as of $as_of: units allocated to a node and not yet shipped (or released)
-- exceed what it can pick before the next carrier cutoff — $capacity_factor × its daily ship capacity as of
-- $as_of (the latest node_upserted then, so a capacity cut counts from the moment it is announced).
-- grain: one row per node_id in the condition. Parameters: $as_of, $capacity_factor, $critical_ratio.
WITH capacity AS (
  SELECT (payload->>'node_id') AS node_id,
         arg_max((payload->>'ship_capacity_per_day')::BIGINT, (occurred_at, seq)) AS capacity
  FROM events WHERE type = 'node_upserted' AND occurred_at <= $as_of::TIMESTAMP
  GROUP BY ALL
),
claims AS (
  SELECT (payload->>'node_id') AS node_id, (payload->>'order_id') AS order_id, (payload->>'line_id') AS line_id,
         sum(CASE type WHEN 'allocated' THEN 1 ELSE -1 END * (payload->>'qty')::BIGINT) AS qty
  FROM events
  WHERE type IN ('allocated', 'shipped', 'allocation_released') AND occurred_at <= $as_of::TIMESTAMP
  GROUP BY ALL
  HAVING sum(CASE type WHEN 'allocated' THEN 1 ELSE -1 END * (payload->>'qty')::BIGINT) > 0
),
backlog AS (
  SELECT c.node_id, sum(c.qty) AS units, count(DISTINCT c.order_id) AS orders,
         list(DISTINCT l.channel_id) FILTER (WHERE l.channel_id IS NOT NULL) AS channels,
         sum(c.qty * l.unit_price) AS value
  FROM claims c LEFT JOIN ledger_order_lines l USING (order_id, line_id)
  GROUP BY c.node_id
)
SELECT
  'fulfilment_backlog' AS kind,
  b.node_id AS condition_key,
  CASE WHEN b.units > $critical_ratio * cap.capacity THEN 'critical' ELSE NULL END AS severity_override,
  b.node_id, NULL::VARCHAR AS channel_id, NULL::VARCHAR AS sku,
  'Fulfilment backlog above capacity at ' || b.node_id AS title,
  printf('%d units waiting to ship, capacity %d/day: %.1f days of work before the cutoff', b.units, cap.capacity,
         b.units / cap.capacity) AS detail,
  b.units::DOUBLE AS metric_value,
  ($capacity_factor * cap.capacity)::DOUBLE AS threshold,
  json_object('backlog_units', b.units, 'capacity_per_day', cap.capacity,
              'days_of_backlog', round(b.units / cap.capacity, 2), 'orders_exposed', b.orders,
              'channels_exposed', coalesce(b.channels, []), 'value_waiting', round(coalesce(b.value, 0), 2)) AS impact
FROM backlog b JOIN capacity cap USING (node_id)
WHERE cap.capacity > 0 AND b.units > $capacity_factor * cap.capacity
