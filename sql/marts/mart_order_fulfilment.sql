-- grain: one row per order_id placed: its lines and units, how much shipped (capped at the ordered quantity
-- per line) or was cancelled, its fulfilment timeline (placed → first allocation → first pick → last
-- shipment) with the stage durations in hours, when it closed (its last open line shipped in full or was
-- cancelled; NULL while a line is open), the promised date and whether it shipped in full by it
-- (shipped_by_promise: the last shipment's date <= promised_by), how many nodes shipped it (ship_nodes > 1:
-- a split order), and an estimated fulfilment cost: per shipped unit the node's
-- pick_cost and the lane's cost_per_unit, per (order, shipping node) the lane's cost_per_order (the lane of the
-- node to the order's ship_to_region). allocated events carry no cost in the contract: when the allocator
-- records one, it replaces this estimate.
WITH lines AS (
  SELECT order_id, line_id, sku, qty, channel_id, ship_to_region, placed_at FROM ledger_order_lines
),
ev AS (
  SELECT * FROM ledger_order_events WHERE order_id IN (SELECT order_id FROM lines)
),
-- Equality joins only (an OR in the join condition makes DuckDB fall back to a nested loop: minutes on the
-- demo retailer): line events by (order, line), whole-order cancellations by order.
line_events AS (
  SELECT order_id, line_id,
         sum(qty) FILTER (WHERE event_type = 'shipped') AS shipped,
         max(occurred_at) FILTER (WHERE event_type = 'shipped') AS last_shipped_at,
         bool_or(event_type = 'order_cancelled') AS cancelled,
         min(occurred_at) FILTER (WHERE event_type = 'order_cancelled') AS cancelled_at
  FROM ev WHERE line_id IS NOT NULL GROUP BY order_id, line_id
),
order_cancellations AS (
  SELECT order_id, min(occurred_at) AS cancelled_at
  FROM ev WHERE event_type = 'order_cancelled' AND line_id IS NULL GROUP BY order_id
),
per_line AS (
  SELECT l.order_id, l.line_id, l.qty,
         least(l.qty, coalesce(le.shipped, 0)) AS shipped_qty,
         coalesce(le.cancelled, false) OR oc.order_id IS NOT NULL AS line_cancelled,
         -- when the line stopped being open: shipped in full, or cancelled (its own or the order's cancellation)
         CASE WHEN coalesce(le.shipped, 0) >= l.qty THEN le.last_shipped_at
              WHEN coalesce(le.cancelled, false) OR oc.order_id IS NOT NULL
                THEN least(le.cancelled_at, oc.cancelled_at) END AS closed_at
  FROM lines l
  LEFT JOIN line_events le ON le.order_id = l.order_id AND le.line_id = l.line_id
  LEFT JOIN order_cancellations oc ON oc.order_id = l.order_id
),
promises AS (
  SELECT payload->>'order_id' AS order_id, TRY_CAST(payload->>'promised_by' AS DATE) AS promised_by
  FROM event_log WHERE type = 'order_placed'
  QUALIFY row_number() OVER (PARTITION BY payload->>'order_id' ORDER BY occurred_at DESC, seq DESC) = 1
),
ship_nodes AS (
  SELECT order_id, count(DISTINCT node_id) AS ship_nodes FROM ev WHERE event_type = 'shipped' GROUP BY order_id
),
timeline AS (
  SELECT order_id,
         min(occurred_at) FILTER (WHERE event_type = 'allocated') AS first_allocated_at,
         min(occurred_at) FILTER (WHERE event_type = 'picked') AS first_picked_at,
         max(occurred_at) FILTER (WHERE event_type = 'shipped') AS last_shipped_at,
         min(occurred_at) FILTER (WHERE event_type = 'order_cancelled') AS cancelled_at
  FROM ev GROUP BY order_id
),
shipments AS (
  SELECT e.order_id, e.node_id, sum(e.qty) AS units,
         sum(e.qty * (coalesce(n.pick_cost, 0) + coalesce(ln.cost_per_unit, 0))) + coalesce(any_value(ln.cost_per_order), 0)
           AS cost
  FROM ev e
  JOIN (SELECT DISTINCT order_id, ship_to_region FROM lines) o USING (order_id)
  LEFT JOIN stg_nodes n ON n.node_id = e.node_id
  LEFT JOIN stg_lanes ln ON ln.node_id = e.node_id AND ln.region = o.ship_to_region
  WHERE e.event_type = 'shipped'
  GROUP BY e.order_id, e.node_id
),
order_costs AS (
  SELECT order_id, CAST(sum(cost) AS DECIMAL(38, 2)) AS fulfilment_cost FROM shipments GROUP BY order_id
),
orders AS (
  SELECT order_id, any_value(channel_id) AS channel_id, any_value(placed_at) AS placed_at, count(*) AS lines,
         sum(qty) AS units_ordered
  FROM lines GROUP BY order_id
)
SELECT
  o.order_id, o.channel_id, o.placed_at, o.lines, o.units_ordered,
  sum(p.shipped_qty) AS units_shipped,
  count(*) FILTER (WHERE p.line_cancelled) AS lines_cancelled,
  sum(CASE WHEN p.line_cancelled THEN p.qty - p.shipped_qty ELSE 0 END) AS units_cancelled,
  sum(p.shipped_qty) = o.units_ordered AS fully_shipped,
  CASE WHEN count(*) = count(p.closed_at) THEN max(p.closed_at) END AS closed_at,
  any_value(pr.promised_by) AS promised_by,
  sum(p.shipped_qty) = o.units_ordered AND CAST(any_value(t.last_shipped_at) AS DATE) <= any_value(pr.promised_by)
    AS shipped_by_promise,
  coalesce(any_value(sn.ship_nodes), 0) AS ship_nodes,
  any_value(t.first_allocated_at) AS first_allocated_at,
  any_value(t.first_picked_at) AS first_picked_at,
  any_value(t.last_shipped_at) AS last_shipped_at,
  any_value(t.cancelled_at) AS cancelled_at,
  epoch(any_value(t.last_shipped_at) - o.placed_at) / 3600 AS placed_to_shipped_hours,
  epoch(any_value(t.first_allocated_at) - o.placed_at) / 3600 AS placed_to_allocated_hours,
  epoch(any_value(t.first_picked_at) - any_value(t.first_allocated_at)) / 3600 AS allocated_to_picked_hours,
  epoch(any_value(t.last_shipped_at) - any_value(t.first_picked_at)) / 3600 AS picked_to_shipped_hours,
  any_value(c.fulfilment_cost) AS fulfilment_cost
FROM orders o
JOIN per_line p USING (order_id)
LEFT JOIN timeline t USING (order_id)
LEFT JOIN order_costs c USING (order_id)
LEFT JOIN promises pr USING (order_id)
LEFT JOIN ship_nodes sn USING (order_id)
GROUP BY o.order_id, o.channel_id, o.placed_at, o.lines, o.units_ordered
