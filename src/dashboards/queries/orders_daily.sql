-- grain: one row per (day placed, channel_id): orders, lines, units ordered and shipped, cancelled lines,
-- orders shipped from more than one node (split), orders shipped by their promised date, fulfilment cost
-- (routing: node pick cost + lane cost, order_facts) and the hours from placement to shipment.
WITH {{order_facts}},
nodes_per_order AS (
  SELECT order_id, count(DISTINCT node_id) AS ship_nodes
  FROM ledger_sales WHERE event_type = 'shipped' GROUP BY ALL
),
promised AS (
  SELECT (payload->>'order_id') AS order_id, TRY_CAST(payload->>'promised_by' AS DATE) AS promised_by
  FROM stg_event_log WHERE type = 'order_placed'
)
SELECT f.placed_at::DATE AS day, f.channel_id,
       count(*)::BIGINT AS orders, sum(f.lines)::BIGINT AS lines,
       sum(f.units_ordered)::BIGINT AS units_ordered, sum(f.units_shipped)::BIGINT AS units_shipped,
       sum(f.lines_cancelled)::BIGINT AS lines_cancelled,
       count(*) FILTER (WHERE f.fully_shipped)::BIGINT AS orders_shipped,
       count(*) FILTER (WHERE n.ship_nodes > 1)::BIGINT AS orders_split,
       count(*) FILTER (WHERE p.promised_by IS NOT NULL AND f.fully_shipped)::BIGINT AS orders_promised,
       count(*) FILTER (WHERE f.fully_shipped AND f.last_shipped_at::DATE <= p.promised_by)::BIGINT AS orders_on_time,
       coalesce(sum(f.fulfilment_cost), 0)::DOUBLE AS fulfilment_cost,
       coalesce(sum(f.placed_to_shipped_hours), 0)::DOUBLE AS cycle_hours_sum,
       count(f.placed_to_shipped_hours)::BIGINT AS cycle_hours_n
FROM order_facts f
LEFT JOIN nodes_per_order n USING (order_id)
LEFT JOIN promised p USING (order_id)
GROUP BY ALL ORDER BY 1, 2
