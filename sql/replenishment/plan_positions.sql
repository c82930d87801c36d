-- grain: one row per (sku, node_id) of inventory_positions: what the plan needs to set levels and order.
-- Demand per day over the window ($as_of − $days, $as_of]: units that left the node — to customers (POS
-- sales, order shipments) and to other nodes (transfers shipped) — as sums and sums of squares of daily
-- totals (days without demand count as zero). Forecast: the latest run's node forecasts after $as_of,
-- as the mean per day and the variance per day read off the 80% interval (p90 − p10 = 2 × 1.28155 σ).
-- Demand sensing (demand_sensing, latest run): the sensed daily pace (next_demand / cover_days) and uplift.
-- Params: $as_of (TIMESTAMPTZ), $days (INTEGER).
WITH moves AS (
  SELECT payload->>'sku' AS sku,
         coalesce(payload->>'node_id', payload->>'from_node_id') AS node_id,
         type = 'transfer_shipped' AS transfer,
         occurred_at::DATE AS day,
         (payload->>'qty')::DOUBLE AS qty
  FROM stg_event_log
  WHERE type IN ('pos_sale', 'shipped', 'transfer_shipped')
    AND occurred_at > $as_of::TIMESTAMPTZ - to_days($days::INTEGER) AND occurred_at <= $as_of::TIMESTAMPTZ
),
daily AS (
  SELECT sku, node_id, day,
         sum(qty) FILTER (WHERE NOT transfer) AS customer_qty,
         sum(qty) FILTER (WHERE transfer) AS transfer_qty,
         sum(qty) AS qty
  FROM moves GROUP BY ALL
),
demand AS (
  SELECT sku, node_id,
         sum(qty) AS demand_sum, sum(qty * qty) AS demand_sumsq,
         coalesce(sum(transfer_qty), 0) AS transfer_sum, coalesce(sum(transfer_qty * transfer_qty), 0) AS transfer_sumsq,
         coalesce(sum(customer_qty), 0) AS customer_sum
  FROM daily GROUP BY ALL
),
fc AS (
  SELECT sku, node_id, avg(mean) AS forecast_mean,
         avg(power(greatest(p90 - p10, 0) / (2 * 1.2815515655446004), 2)) AS forecast_var,
         count(*) AS forecast_days
  FROM forecasts
  WHERE series_kind = 'node' AND forecast_date > $as_of::TIMESTAMPTZ::DATE
  GROUP BY ALL
),
-- demand sensing (the latest run): a series selling above plan is planned at the sensed pace
sensed AS (
  SELECT sku, node_id, max(next_demand / nullif(cover_days, 0)) AS sensed_daily, max(uplift_pct) AS sensed_uplift,
         any_value(driver) AS sensed_driver
  FROM demand_sensing WHERE series_kind = 'node' AND node_id IS NOT NULL
  GROUP BY ALL
)
SELECT p.sku, p.node_id, n.node_type, n.region,
       greatest(p.available, 0) AS available, p.in_transit_in, p.on_order,
       i.unit_cost, i.list_price, coalesce(i.pack_size, 1) AS pack_size, coalesce(i.moq, s.moq, 0) AS moq,
       i.supplier_id, s.lead_time_days AS nominal_lead_time_days,
       coalesce(d.demand_sum, 0) AS demand_sum, coalesce(d.demand_sumsq, 0) AS demand_sumsq,
       coalesce(d.transfer_sum, 0) AS transfer_sum, coalesce(d.transfer_sumsq, 0) AS transfer_sumsq,
       coalesce(d.customer_sum, 0) AS customer_sum,
       f.forecast_mean, f.forecast_var, coalesce(f.forecast_days, 0) AS forecast_days,
       ds.sensed_daily, ds.sensed_uplift, ds.sensed_driver
FROM inventory_positions p
LEFT JOIN stg_items i USING (sku)
LEFT JOIN stg_suppliers s ON s.supplier_id = i.supplier_id
LEFT JOIN stg_nodes n USING (node_id)
LEFT JOIN demand d USING (sku, node_id)
LEFT JOIN fc f USING (sku, node_id)
LEFT JOIN sensed ds USING (sku, node_id)
WHERE i.sku IS NOT NULL
ORDER BY p.sku, p.node_id
