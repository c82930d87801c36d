-- grain: one row per (order_id, node_id) the order shipped from (a shipment leg): units and lines shipped from
-- the node, how many nodes the order shipped from (ship_nodes; split = more than one) and the leg's fulfilment
-- cost in parts: pick (units x the node's pick_cost), transport (units x the lane's cost_per_unit) and the
-- shipment fee (the lane's cost_per_order, once per order and node), the lane being the node's to the order's
-- ship_to_region (has_lane false: no lane known, transport and fee counted 0).
-- Built from shipments (shipped events), by the same rule as mart_order_fulfilment.fulfilment_cost: an order's
-- legs add up to it up to a cent per leg (legs are rounded to cents, the order's total once). The allocator's
-- planned costs (allocation_explanations) are not used.
WITH orders AS (
  SELECT order_id, any_value(channel_id) AS channel_id, any_value(ship_to_region) AS ship_to_region
  FROM ledger_order_lines GROUP BY order_id
),
legs AS (
  SELECT e.order_id, e.node_id, count(DISTINCT e.line_id) AS lines, sum(e.qty) AS units,
         min(e.occurred_at) AS first_shipped_at, max(e.occurred_at) AS last_shipped_at
  FROM ledger_order_events e
  WHERE e.event_type = 'shipped' AND e.order_id IN (SELECT order_id FROM orders)
  GROUP BY e.order_id, e.node_id
)
SELECT
  l.order_id,
  l.node_id,
  o.channel_id,
  o.ship_to_region,
  CAST(count(*) OVER (PARTITION BY l.order_id) AS INTEGER)                  AS ship_nodes,
  count(*) OVER (PARTITION BY l.order_id) > 1                               AS split,
  CAST(l.lines AS BIGINT)                                                   AS lines_shipped,
  CAST(l.units AS BIGINT)                                                   AS units_shipped,
  l.first_shipped_at,
  l.last_shipped_at,
  ln.node_id IS NOT NULL                                                    AS has_lane,
  CAST(l.units * coalesce(n.pick_cost, 0) AS DECIMAL(18, 2))                AS pick_cost,
  CAST(l.units * coalesce(ln.cost_per_unit, 0) AS DECIMAL(18, 2))           AS transport_cost,
  CAST(coalesce(ln.cost_per_order, 0) AS DECIMAL(18, 2))                    AS shipment_fee,
  CAST(l.units * (coalesce(n.pick_cost, 0) + coalesce(ln.cost_per_unit, 0)) + coalesce(ln.cost_per_order, 0)
       AS DECIMAL(18, 2))                                                   AS fulfilment_cost
FROM legs l
JOIN orders o USING (order_id)
LEFT JOIN stg_nodes n ON n.node_id = l.node_id
LEFT JOIN stg_lanes ln ON ln.node_id = l.node_id AND ln.region = o.ship_to_region
