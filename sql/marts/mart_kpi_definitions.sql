-- grain: one row per kpi: what it measures, its unit, which way is better, and how its daily numerators and
-- denominators (mart_kpi_daily) add up over any selection of days, channels, nodes and categories:
--   ratio  value = Σ numerator / Σ denominator over the selected days (Σ numerator when has_denominator is
--          false: a count or an amount, 0 when there are no rows)
--   last   the same over the rows of the selection's last day only (a level at the end: stock, queues, backlog)
--   cover  (Σ numerator of the last day) / (Σ denominator over the days / number of days × 7): a stock over a
--          weekly rate (weeks of supply)
-- × 100 for unit '%'. mart_kpis applies the rule per period and scope; the dashboards apply it to the filters.
-- family says who may read it on the dashboards: operations (inventory:read), finance (valuation:read),
-- demand (kpis:read). grain 'week': a weekly KPI (its rows sit on the first day of the week in the window; it
-- has no day periods).
SELECT * FROM (VALUES
  ('inventory_accuracy', 'Inventory accuracy', '%', 'ratio', 'up', 'cycle counts within tolerance, of all counts (by count day)', 'operations', true, 'day'),
  ('stockout_rate', 'Stockout frequency', '%', 'ratio', 'down', 'stock accounts (sku × node) at stores and DCs with nothing sellable at the end of the day, of all accounts: account-days', 'operations', true, 'day'),
  ('stockouts', 'Stockouts', 'count', 'last', 'down', 'stock accounts at stores and DCs with nothing sellable at the end of the last day (returns centres are not stockouts)', 'operations', false, 'day'),
  ('order_cycle_hours', 'Order cycle time', 'hours', 'ratio', 'down', 'placed → last shipment, orders shipped in full (by the day of their last shipment)', 'operations', true, 'day'),
  ('placed_to_allocated_hours', 'Allocation latency', 'hours', 'ratio', 'down', 'placed → first allocation, orders shipped in full (by last shipment day)', 'operations', true, 'day'),
  ('allocated_to_picked_hours', 'Pick latency', 'hours', 'ratio', 'down', 'first allocation → first pick, orders shipped in full (by last shipment day)', 'operations', true, 'day'),
  ('picked_to_shipped_hours', 'Ship latency', 'hours', 'ratio', 'down', 'first pick → last shipment, orders shipped in full (by last shipment day)', 'operations', true, 'day'),
  ('cancellation_rate', 'Cancellation rate', '%', 'ratio', 'down', 'order lines cancelled, of the lines of the orders closed (shipped in full or cancelled; by the day they closed)', 'operations', true, 'day'),
  ('fill_rate', 'Fill rate', '%', 'ratio', 'up', 'units shipped, of the units ordered, of the orders closed (by the day they closed)', 'operations', true, 'day'),
  ('on_time_rate', 'On-time shipping', '%', 'ratio', 'up', 'orders shipped in full by their promised date, of the orders shipped in full with a promise (by last shipment day)', 'operations', true, 'day'),
  ('split_rate', 'Split rate', '%', 'ratio', 'down', 'orders shipped in full from two or more nodes, of the orders shipped in full (by last shipment day)', 'operations', true, 'day'),
  ('fulfilment_cost_per_order', 'Fulfilment cost per order', 'money', 'ratio', 'down', 'estimated pick + lane cost per order shipped in full (by last shipment day)', 'operations', true, 'day'),
  ('orders_placed', 'Orders', 'count', 'ratio', 'up', 'online orders placed', 'operations', false, 'day'),
  ('units_sold', 'Units sold', 'count', 'ratio', 'up', 'units sold at the stores and shipped to online customers', 'demand', false, 'day'),
  ('return_rate', 'Return rate', '%', 'ratio', 'down', 'units returned, of units sold, on the same days (returns on their order''s channel; without an order, on the store''s channel)', 'demand', true, 'day'),
  ('refund_processing_hours', 'Refund processing time', 'hours', 'ratio', 'down', 'return received → refund issued (refunds of a return, by refund day)', 'demand', true, 'day'),
  ('gross_margin_pct', 'Gross margin', '%', 'ratio', 'up', 'gross margin, of net revenue (mart_margin_daily)', 'finance', true, 'day'),
  ('inventory_value', 'Inventory value', 'money', 'last', 'down', 'on hand + in transit at the moving average, at the end of the last day', 'finance', false, 'day'),
  ('weeks_of_supply', 'Weeks of supply', 'weeks', 'cover', 'down', 'inventory value at the end / average weekly COGS', 'finance', true, 'day'),
  ('inbound_received_rate', 'Inbound received vs due', '%', 'ratio', 'up', 'of the units due (purchase-order lines by expected date less cancellations, transfers by due date), the share received so far (at most what was due), by due date', 'operations', true, 'day'),
  ('pick_backlog_days', 'Pick backlog', 'days', 'last', 'down', 'units allocated and not yet shipped at nodes with a ship capacity, in days of that capacity, at the end of the last day', 'operations', true, 'day'),
  ('orders_awaiting_allocation', 'Orders awaiting allocation', 'count', 'last', 'down', 'open orders with no allocation yet at the end of the last day', 'operations', false, 'day'),
  ('orders_awaiting_pick', 'Orders awaiting pick', 'count', 'last', 'down', 'open orders allocated, none picked, at the end of the last day', 'operations', false, 'day'),
  ('orders_awaiting_shipment', 'Orders awaiting shipment', 'count', 'last', 'down', 'open orders picked and not closed at the end of the last day', 'operations', false, 'day'),
  ('awaiting_allocation_age_hours', 'Age awaiting allocation', 'hours', 'last', 'down', 'average hours since placement of the orders awaiting allocation', 'operations', true, 'day'),
  ('awaiting_pick_age_hours', 'Age awaiting pick', 'hours', 'last', 'down', 'average hours since first allocation of the orders awaiting pick', 'operations', true, 'day'),
  ('awaiting_shipment_age_hours', 'Age awaiting shipment', 'hours', 'last', 'down', 'average hours since first pick of the orders awaiting shipment', 'operations', true, 'day'),
  ('forecast_wape', 'Forecast error (WAPE)', '%', 'ratio', 'down', 'Σ |actual − forecast| / Σ actual over node × category × day cells with a forecast', 'demand', true, 'day'),
  ('oversell_episodes', 'Oversells', 'count', 'ratio', 'down', 'oversell episodes (available < 0 at a sku × node, from the event that opened it to the one that cleared it) opened in the week, by the channel of the promise left without stock and the node (mart_oversells_weekly)', 'operations', false, 'week'),
  ('oversold_units', 'Units oversold', 'count', 'ratio', 'down', 'the worst shortfall of each oversell episode opened in the week, summed (mart_oversells_weekly)', 'operations', false, 'week'),
  ('forecast_band_coverage', 'Actuals inside the band', '%', 'ratio', 'up', 'node × category × day cells whose actual lies within the summed p10–p90 of the forecast', 'demand', true, 'day')
) t(kpi, label, unit, aggregation, better, description, family, has_denominator, grain)
