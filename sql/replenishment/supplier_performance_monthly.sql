-- grain: one row per (supplier_id, month of po_created): the trend of lead time, on-time and fill rate.
SELECT supplier_id, date_trunc('month', created_at)::DATE AS month,
       count(*) AS pos,
       avg(lead_time_days) AS lead_time_mean,
       stddev_samp(lead_time_days) AS lead_time_std,
       avg(CASE WHEN on_time THEN 1.0 WHEN NOT on_time THEN 0.0 END) AS on_time_rate,
       sum(received_qty) FILTER (WHERE settled) / nullif(sum(ordered_qty) FILTER (WHERE settled), 0)::DOUBLE AS fill_rate,
       avg(slip_days) AS slip_days_mean
FROM supplier_po_history
GROUP BY ALL
