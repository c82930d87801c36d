-- grain: one row per (kpi, scope, scope_id): scope 'all' (scope_id NULL), 'node' or 'channel'. Flow KPIs
-- cover the trailing window of stockout_window_days days up to the business clock (window_start, window_end);
-- stock KPIs are the current positions. value = numerator / denominator (x 100 for unit '%').
--   inventory_accuracy  % of cycle counts in the window within tolerance
--   stockout_rate       % of stock accounts (sku x node, items only) with available <= 0
--   weeks_of_supply     on hand / average weekly units sold in the window
--   sell_through        % units sold in the window / (sold + on hand)
--   order_cycle_hours   placed → last shipment, orders fully shipped in the window (avg); and its stages
--                       placed_to_allocated_hours, allocated_to_picked_hours, picked_to_shipped_hours
--   cancellation_rate   % of order lines placed in the window that were cancelled
--   fill_rate           % of units ordered in the window that shipped
--   return_rate         % units returned / units shipped in the window (by the order's channel)
--   refund_processing_hours  return received → refund issued (refunds with a return_id, in the window)
--   fulfilment_cost_per_order  estimated cost (mart_order_fulfilment) per order shipped in the window
--   pick_backlog_days   node backlog / ship capacity per day (mart_pick_backlog)
WITH cfg AS (
  SELECT clock AS window_end, clock - to_days(stockout_window_days) AS window_start, stockout_window_days AS days,
         count_tolerance_units, count_tolerance_pct
  FROM ledger_config
),
counts AS (
  SELECT k.node_id,
         abs(s.qty) <= greatest(cfg.count_tolerance_units, cfg.count_tolerance_pct / 100 * abs(s.system_qty)) AS accurate
  FROM ledger_stock s JOIN ledger_keys k USING (key_id), cfg
  WHERE s.event_type = 'cycle_count' AND s.occurred_at > cfg.window_start AND s.occurred_at <= cfg.window_end
),
sold AS (
  SELECT s.node_id, s.channel_id, s.qty
  FROM ledger_sales s, cfg WHERE s.occurred_at > cfg.window_start AND s.occurred_at <= cfg.window_end
),
stock AS (
  SELECT p.node_id, p.on_hand, p.available FROM inventory_positions p WHERE p.sku IN (SELECT sku FROM stg_items)
),
orders_placed AS (
  SELECT f.* FROM mart_order_fulfilment f, cfg WHERE f.placed_at > cfg.window_start AND f.placed_at <= cfg.window_end
),
orders_shipped AS (
  SELECT f.* FROM mart_order_fulfilment f, cfg
  WHERE f.fully_shipped AND f.last_shipped_at > cfg.window_start AND f.last_shipped_at <= cfg.window_end
),
returned AS (
  SELECT coalesce(o.channel_id, 'unknown') AS channel_id, s.qty
  FROM ledger_stock s
  LEFT JOIN (SELECT DISTINCT order_id, channel_id FROM ledger_order_lines) o USING (order_id), cfg
  WHERE s.event_type = 'return_received' AND s.occurred_at > cfg.window_start AND s.occurred_at <= cfg.window_end
),
refund_times AS (
  SELECT epoch(e.occurred_at - min(r.occurred_at)) / 3600 AS hours
  FROM stg_event_log e
  JOIN ledger_stock r ON r.event_type = 'return_received' AND r.return_id = (e.payload->>'return_id'), cfg
  WHERE e.type = 'refund_issued' AND e.occurred_at > cfg.window_start AND e.occurred_at <= cfg.window_end
  GROUP BY e.seq, e.occurred_at
),
kpis AS (
  -- inventory accuracy
  SELECT 'inventory_accuracy' AS kpi, 'all' AS scope, NULL AS scope_id, '%' AS unit,
         count(*) FILTER (WHERE accurate) AS numerator, count(*) AS denominator FROM counts
  UNION ALL
  SELECT 'inventory_accuracy', 'node', node_id, '%', count(*) FILTER (WHERE accurate), count(*)
  FROM counts GROUP BY node_id
  -- stockout rate
  UNION ALL
  SELECT 'stockout_rate', 'all', NULL, '%', count(*) FILTER (WHERE available <= 0), count(*) FROM stock
  UNION ALL
  SELECT 'stockout_rate', 'node', node_id, '%', count(*) FILTER (WHERE available <= 0), count(*)
  FROM stock GROUP BY node_id
  -- weeks of supply and sell-through
  UNION ALL
  SELECT 'weeks_of_supply', 'all', NULL, 'weeks', (SELECT sum(on_hand) FROM stock),
         (SELECT sum(qty) FROM sold) / (SELECT days FROM cfg) * 7
  UNION ALL
  SELECT 'weeks_of_supply', 'node', st.node_id, 'weeks', st.on_hand, coalesce(sd.qty, 0) / (SELECT days FROM cfg) * 7
  FROM (SELECT node_id, sum(on_hand) AS on_hand FROM stock GROUP BY node_id) st
  LEFT JOIN (SELECT node_id, sum(qty) AS qty FROM sold GROUP BY node_id) sd USING (node_id)
  UNION ALL
  SELECT 'sell_through', 'all', NULL, '%', (SELECT sum(qty) FROM sold),
         (SELECT sum(qty) FROM sold) + (SELECT sum(on_hand) FROM stock)
  UNION ALL
  SELECT 'sell_through', 'node', st.node_id, '%', coalesce(sd.qty, 0), coalesce(sd.qty, 0) + st.on_hand
  FROM (SELECT node_id, sum(on_hand) AS on_hand FROM stock GROUP BY node_id) st
  LEFT JOIN (SELECT node_id, sum(qty) AS qty FROM sold GROUP BY node_id) sd USING (node_id)
  -- order cycle time and its stages (averages: numerator = total hours, denominator = orders)
  UNION ALL
  SELECT kpi, 'all', NULL, 'hours', sum(hours), count(hours)
  FROM orders_shipped
  UNPIVOT INCLUDE NULLS (hours FOR kpi IN (placed_to_shipped_hours AS 'order_cycle_hours', placed_to_allocated_hours,
                             allocated_to_picked_hours, picked_to_shipped_hours))
  GROUP BY kpi
  UNION ALL
  SELECT kpi, 'channel', channel_id, 'hours', sum(hours), count(hours)
  FROM orders_shipped
  UNPIVOT INCLUDE NULLS (hours FOR kpi IN (placed_to_shipped_hours AS 'order_cycle_hours', placed_to_allocated_hours,
                             allocated_to_picked_hours, picked_to_shipped_hours))
  GROUP BY kpi, channel_id
  -- cancellation and fill rates
  UNION ALL
  SELECT 'cancellation_rate', 'all', NULL, '%', sum(lines_cancelled), sum(lines) FROM orders_placed
  UNION ALL
  SELECT 'cancellation_rate', 'channel', channel_id, '%', sum(lines_cancelled), sum(lines)
  FROM orders_placed GROUP BY channel_id
  UNION ALL
  SELECT 'fill_rate', 'all', NULL, '%', sum(units_shipped), sum(units_ordered) FROM orders_placed
  UNION ALL
  SELECT 'fill_rate', 'channel', channel_id, '%', sum(units_shipped), sum(units_ordered)
  FROM orders_placed GROUP BY channel_id
  -- return rate
  UNION ALL
  SELECT 'return_rate', 'all', NULL, '%', (SELECT sum(qty) FROM returned),
         (SELECT sum(qty) FROM sold WHERE channel_id IN (SELECT channel_id FROM ledger_order_lines))
  UNION ALL
  SELECT 'return_rate', 'channel', c.channel_id, '%', coalesce(r.qty, 0), c.qty
  FROM (SELECT channel_id, sum(qty) AS qty FROM sold GROUP BY channel_id) c
  LEFT JOIN (SELECT channel_id, sum(qty) AS qty FROM returned GROUP BY channel_id) r USING (channel_id)
  WHERE c.channel_id IN (SELECT channel_id FROM ledger_order_lines)
  -- refund processing time
  UNION ALL
  SELECT 'refund_processing_hours', 'all', NULL, 'hours', sum(hours), count(*) FROM refund_times
  -- fulfilment cost
  UNION ALL
  SELECT 'fulfilment_cost_per_order', 'all', NULL, 'money', sum(fulfilment_cost), count(*) FROM orders_shipped
  UNION ALL
  SELECT 'fulfilment_cost_per_order', 'channel', channel_id, 'money', sum(fulfilment_cost), count(*)
  FROM orders_shipped GROUP BY channel_id
  -- pick backlog against capacity
  UNION ALL
  SELECT 'pick_backlog_days', 'node', node_id, 'days', backlog_units, ship_capacity_per_day FROM mart_pick_backlog
)
SELECT
  kpi, scope, scope_id,
  round(CASE WHEN unit = '%' THEN 100.0 ELSE 1.0 END * numerator / nullif(denominator, 0), 4) AS value,
  unit,
  CAST(numerator AS DOUBLE) AS numerator,
  CAST(denominator AS DOUBLE) AS denominator,
  cfg.window_start,
  cfg.window_end
FROM kpis CROSS JOIN cfg
