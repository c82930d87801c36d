-- grain: one row per (kpi, day, channel_id, node_id, category) of the operations KPIs (mart_kpi_definitions
-- family 'operations'): stock accuracy and stockouts, order fulfilment, inbound, pick backlog, order queues,
-- oversells.
-- Part of mart_kpi_daily, THE definition of every KPI; apart so a reader of one family computes only it.
WITH days AS MATERIALIZED (SELECT period_start AS day FROM mart_periods WHERE period_grain = 'day'),
cfg AS (SELECT count_tolerance_units, count_tolerance_pct FROM ledger_config),
counts AS (
  SELECT CAST(s.occurred_at AS DATE) AS day, k.node_id, coalesce(i.category, 'uncategorised') AS category,
         count(*) FILTER (WHERE abs(s.qty) <= greatest(cfg.count_tolerance_units,
                                                       cfg.count_tolerance_pct / 100 * abs(s.system_qty))) AS accurate,
         count(*) AS counts
  FROM ledger_stock s JOIN ledger_keys k USING (key_id) LEFT JOIN stg_items i ON i.sku = k.sku CROSS JOIN cfg
  WHERE s.event_type = 'cycle_count'
  GROUP BY ALL
),
stock AS MATERIALIZED (SELECT * FROM mart_stock_daily WHERE node_type <> 'returns_center'),
orders AS MATERIALIZED (SELECT * FROM mart_order_fulfilment),
shipped AS MATERIALIZED (SELECT *, CAST(last_shipped_at AS DATE) AS day FROM orders WHERE fully_shipped),
-- inbound due on a day (purchase-order lines by their expected date, less cancellations; transfers by their due
-- date) and how much of it has been received so far (at most what was due: an over-receipt does not make up
-- for another line's shortfall)
inbound AS (
  SELECT CAST(expected_at AS DATE) AS day, node_id, sum(ordered_qty - cancelled_qty) AS due,
         sum(least(received_qty, ordered_qty - cancelled_qty)) AS received
  FROM ledger_purchase_orders WHERE expected_at IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT CAST(due_at AS DATE), to_node_id, sum(shipped_qty), sum(least(received_qty, shipped_qty))
  FROM ledger_transfers WHERE due_at IS NOT NULL GROUP BY ALL
),
-- the pick backlog at the end of each day per node with a ship capacity: units reserved (claims until shipped,
-- released or cancelled) and not yet picked (as mart_pick_backlog, which is the same now)
reserved_changes AS (
  SELECT CAST(occurred_at AS DATE) AS day, node_id, sum(qty) AS change FROM ledger_reservations GROUP BY ALL
),
-- picked and not yet shipped at the end of a day: still reserved, but no longer waiting to be picked
picked_lines AS (
  SELECT order_id, line_id, node_id,
         min(occurred_at) FILTER (WHERE event_type = 'picked') AS picked_at,
         max(occurred_at) FILTER (WHERE event_type = 'shipped') AS shipped_at,
         sum(qty) FILTER (WHERE event_type = 'picked') AS picked_qty
  FROM ledger_order_events WHERE event_type IN ('picked', 'shipped') GROUP BY ALL
),
picked_waiting AS (
  SELECT d.day, p.node_id, sum(p.picked_qty) AS units
  FROM days d JOIN picked_lines p
    ON p.picked_at < CAST(d.day + 1 AS TIMESTAMPTZ)
   AND (p.shipped_at IS NULL OR p.shipped_at >= CAST(d.day + 1 AS TIMESTAMPTZ))
  GROUP BY ALL
),
backlog AS (
  SELECT b.day, b.node_id, b.ship_capacity_per_day, greatest(b.reserved - coalesce(w.units, 0), 0) AS units
  FROM (
    SELECT d.day, n.node_id, n.ship_capacity_per_day,
           sum(coalesce(r.change, 0)) OVER (PARTITION BY n.node_id ORDER BY d.day) AS reserved
    FROM days d
    CROSS JOIN (SELECT node_id, ship_capacity_per_day FROM stg_nodes WHERE ship_capacity_per_day > 0) n
    LEFT JOIN reserved_changes r ON r.day = d.day AND r.node_id = n.node_id
  ) b
  LEFT JOIN picked_waiting w USING (day, node_id)
),
-- open orders at the end of each day, by the stage they wait in, and since when
queued AS MATERIALIZED (
  SELECT d.day, o.channel_id,
         CASE WHEN o.first_allocated_at IS NULL OR o.first_allocated_at >= d.day + 1 THEN 'allocation'
              WHEN o.first_picked_at IS NULL OR o.first_picked_at >= d.day + 1 THEN 'pick'
              ELSE 'shipment' END AS stage,
         epoch(CAST(d.day + 1 AS TIMESTAMPTZ)
               - CASE WHEN o.first_allocated_at IS NULL OR o.first_allocated_at >= d.day + 1 THEN o.placed_at
                      WHEN o.first_picked_at IS NULL OR o.first_picked_at >= d.day + 1 THEN o.first_allocated_at
                      ELSE o.first_picked_at END) / 3600 AS age_hours
  FROM days d JOIN orders o
    ON o.placed_at < CAST(d.day + 1 AS TIMESTAMPTZ)
   AND (o.closed_at IS NULL OR o.closed_at >= CAST(d.day + 1 AS TIMESTAMPTZ))
),
-- the oversell KPI is weekly, defined once by mart_oversells_weekly: its rows sit on the week's first day in
-- the window
oversells AS (
  SELECT greatest(o.week_start, (SELECT min(day) FROM days)) AS day, o.channel_id, o.node_id,
         sum(o.oversell_episodes) AS episodes, sum(o.oversold_units) AS units
  FROM mart_oversells_weekly o GROUP BY ALL
),
rows AS (
  SELECT 'inventory_accuracy' AS kpi, day, NULL AS channel_id, node_id, category,
         CAST(accurate AS DOUBLE) AS numerator, CAST(counts AS DOUBLE) AS denominator
  FROM counts
  UNION ALL
  SELECT 'stockout_rate', day, NULL, node_id, category, empty_accounts, accounts FROM stock
  UNION ALL
  SELECT 'stockouts', day, NULL, node_id, category, empty_accounts, NULL FROM stock
  UNION ALL
  SELECT kpi, day, channel_id, NULL, NULL, sum(hours), count(hours)
  FROM shipped
  UNPIVOT INCLUDE NULLS (hours FOR kpi IN (placed_to_shipped_hours AS 'order_cycle_hours', placed_to_allocated_hours,
                             allocated_to_picked_hours, picked_to_shipped_hours))
  GROUP BY ALL
  UNION ALL
  SELECT 'on_time_rate', day, channel_id, NULL, NULL, count(*) FILTER (WHERE shipped_by_promise),
         count(*) FILTER (WHERE promised_by IS NOT NULL)
  FROM shipped GROUP BY ALL
  UNION ALL
  SELECT 'split_rate', day, channel_id, NULL, NULL, count(*) FILTER (WHERE ship_nodes > 1), count(*)
  FROM shipped GROUP BY ALL
  UNION ALL
  SELECT 'fulfilment_cost_per_order', day, channel_id, NULL, NULL, sum(fulfilment_cost), count(*)
  FROM shipped GROUP BY ALL
  UNION ALL
  -- an order's fill and cancellations are final once it has closed: counted on the day it closed, so the last
  -- days are not an immature cohort of orders still being picked
  SELECT 'cancellation_rate', CAST(closed_at AS DATE), channel_id, NULL, NULL, sum(lines_cancelled), sum(lines)
  FROM orders WHERE closed_at IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT 'fill_rate', CAST(closed_at AS DATE), channel_id, NULL, NULL, sum(units_shipped), sum(units_ordered)
  FROM orders WHERE closed_at IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT 'orders_placed', CAST(placed_at AS DATE), channel_id, NULL, NULL, count(*), NULL FROM orders GROUP BY ALL
  UNION ALL
  SELECT 'inbound_received_rate', day, NULL, node_id, NULL, sum(received), sum(due) FROM inbound GROUP BY ALL
  UNION ALL
  SELECT 'pick_backlog_days', day, NULL, node_id, NULL, units, ship_capacity_per_day FROM backlog
  UNION ALL
  SELECT 'orders_awaiting_' || stage, day, channel_id, NULL, NULL, count(*), NULL FROM queued GROUP BY ALL
  UNION ALL
  SELECT 'oversell_episodes', day, channel_id, node_id, NULL, episodes, NULL FROM oversells
  UNION ALL
  SELECT 'oversold_units', day, channel_id, node_id, NULL, units, NULL FROM oversells
  UNION ALL
  SELECT 'awaiting_' || stage || '_age_hours', day, channel_id, NULL, NULL, sum(age_hours), count(*)
  FROM queued GROUP BY ALL
)
SELECT r.kpi, r.day, r.channel_id, r.node_id, r.category,
       CAST(r.numerator AS DOUBLE) AS numerator, CAST(r.denominator AS DOUBLE) AS denominator
FROM rows r SEMI JOIN days USING (day)
