-- fragment (included as {{order_facts}}): the CTEs `order_facts`, one row per order placed, with the columns
-- of mart_order_fulfilment, computed with equality joins only. The mart's per-line join on
-- (line_id = … OR an order-level cancellation) plans as a nested loop: minutes on the demo retailer's 100k
-- lines, where this takes about a second. Same definitions: shipped capped at ordered per line, a line is
-- cancelled by its own cancellation or the order's, cost = pick cost + lane cost per unit + lane cost per
-- (order, node).
of_lines AS (
  SELECT order_id, line_id, qty, channel_id, ship_to_region, placed_at FROM ledger_order_lines
),
of_events AS (
  SELECT e.* FROM ledger_order_events e SEMI JOIN (SELECT DISTINCT order_id FROM of_lines) o USING (order_id)
),
of_shipped AS (
  SELECT order_id, line_id, sum(qty) AS qty FROM of_events WHERE event_type = 'shipped' GROUP BY ALL
),
of_line_cancel AS (
  SELECT DISTINCT order_id, line_id FROM of_events WHERE event_type = 'order_cancelled' AND line_id IS NOT NULL
),
of_order_cancel AS (
  SELECT DISTINCT order_id FROM of_events WHERE event_type = 'order_cancelled' AND line_id IS NULL
),
of_per_line AS (
  SELECT l.order_id, l.line_id, l.qty, least(l.qty, coalesce(s.qty, 0)) AS shipped_qty,
         (lc.order_id IS NOT NULL OR oc.order_id IS NOT NULL) AS line_cancelled
  FROM of_lines l
  LEFT JOIN of_shipped s USING (order_id, line_id)
  LEFT JOIN of_line_cancel lc USING (order_id, line_id)
  LEFT JOIN of_order_cancel oc ON oc.order_id = l.order_id
),
of_timeline AS (
  SELECT order_id,
         min(occurred_at) FILTER (WHERE event_type = 'allocated') AS first_allocated_at,
         min(occurred_at) FILTER (WHERE event_type = 'picked') AS first_picked_at,
         max(occurred_at) FILTER (WHERE event_type = 'shipped') AS last_shipped_at,
         min(occurred_at) FILTER (WHERE event_type = 'order_cancelled') AS cancelled_at
  FROM of_events GROUP BY order_id
),
of_cost AS (
  SELECT order_id, sum(cost) AS cost FROM (
    SELECT e.order_id, e.node_id,
           sum(e.qty * (coalesce(n.pick_cost, 0) + coalesce(ln.cost_per_unit, 0))) + coalesce(any_value(ln.cost_per_order), 0) AS cost
    FROM of_events e
    JOIN (SELECT DISTINCT order_id, ship_to_region FROM of_lines) o USING (order_id)
    LEFT JOIN stg_nodes n ON n.node_id = e.node_id
    LEFT JOIN stg_lanes ln ON ln.node_id = e.node_id AND ln.region = o.ship_to_region
    WHERE e.event_type = 'shipped'
    GROUP BY e.order_id, e.node_id
  ) GROUP BY order_id
),
order_facts AS (
  SELECT o.order_id, o.channel_id, o.placed_at, o.lines, o.units_ordered, o.units_shipped, o.lines_cancelled,
         o.units_shipped = o.units_ordered AS fully_shipped,
         t.first_allocated_at, t.first_picked_at, t.last_shipped_at, t.cancelled_at,
         epoch(t.last_shipped_at - o.placed_at) / 3600 AS placed_to_shipped_hours,
         epoch(t.first_allocated_at - o.placed_at) / 3600 AS placed_to_allocated_hours,
         epoch(t.first_picked_at - t.first_allocated_at) / 3600 AS allocated_to_picked_hours,
         epoch(t.last_shipped_at - t.first_picked_at) / 3600 AS picked_to_shipped_hours,
         CAST(c.cost AS DECIMAL(38, 2)) AS fulfilment_cost
  FROM (
    SELECT l.order_id, any_value(l.channel_id) AS channel_id, any_value(l.placed_at) AS placed_at, count(*) AS lines,
           sum(l.qty) AS units_ordered, sum(p.shipped_qty) AS units_shipped,
           count(*) FILTER (WHERE p.line_cancelled) AS lines_cancelled
    FROM of_lines l JOIN of_per_line p USING (order_id, line_id)
    GROUP BY l.order_id
  ) o
  LEFT JOIN of_timeline t USING (order_id)
  LEFT JOIN of_cost c USING (order_id)
)
