-- grain: one row per supplier (scope 'supplier', node_id NULL) and per supplier × node (scope 'supplier_node').
-- Lead time as a distribution over received POs (po_created → first receipt, days): mean, sample std,
-- p50/p90/p95, min/max; on-time rate (first receipt by the first promised day); fill rate (received / ordered
-- over settled POs, quantity-weighted); ETA slippage from po_updated (share of POs whose expected date moved
-- later, mean days moved); trend: mean lead time of the POs created in the last 90 days before the supplier's
-- latest PO minus that of the earlier ones (positive = getting slower). nominal_lead_time_days is the master's.
WITH scoped AS (
  SELECT supplier_id, node_id, grouping(node_id) = 1 AS all_nodes,
         count(*) AS pos,
         count(*) FILTER (WHERE first_receipt_at IS NOT NULL) AS pos_received,
         count(*) FILTER (WHERE NOT settled) AS pos_open,
         avg(lead_time_days) AS lead_time_mean,
         stddev_samp(lead_time_days) AS lead_time_std,
         quantile_cont(lead_time_days, 0.5) AS lead_time_p50,
         quantile_cont(lead_time_days, 0.9) AS lead_time_p90,
         quantile_cont(lead_time_days, 0.95) AS lead_time_p95,
         min(lead_time_days) AS lead_time_min,
         max(lead_time_days) AS lead_time_max,
         avg(CASE WHEN on_time THEN 1.0 WHEN NOT on_time THEN 0.0 END) AS on_time_rate,
         sum(received_qty) FILTER (WHERE settled) / nullif(sum(ordered_qty) FILTER (WHERE settled), 0)::DOUBLE
           AS fill_rate,
         avg(CASE WHEN slip_days > 0 THEN 1.0 ELSE 0.0 END) AS slipped_rate,
         avg(slip_days) AS slip_days_mean,
         max(slip_days) AS slip_days_max,
         max(created_at) AS last_po_at
  FROM supplier_po_history
  GROUP BY GROUPING SETS ((supplier_id), (supplier_id, node_id))
),
recent AS (
  SELECT h.supplier_id, h.node_id, grouping(h.node_id) = 1 AS all_nodes,
         avg(h.lead_time_days) FILTER (WHERE h.created_at > l.last_po_at - INTERVAL 90 DAY) AS recent_mean,
         avg(h.lead_time_days) FILTER (WHERE h.created_at <= l.last_po_at - INTERVAL 90 DAY) AS earlier_mean
  FROM supplier_po_history h
  JOIN (SELECT supplier_id, max(created_at) AS last_po_at FROM supplier_po_history GROUP BY 1) l USING (supplier_id)
  GROUP BY GROUPING SETS ((h.supplier_id), (h.supplier_id, h.node_id))
),
master AS (
  SELECT payload->>'supplier_id' AS supplier_id, payload->>'name' AS supplier_name,
         (payload->>'lead_time_days')::INTEGER AS nominal_lead_time_days
  FROM stg_event_log
  WHERE type = 'supplier_upserted'
  QUALIFY row_number() OVER (PARTITION BY payload->>'supplier_id' ORDER BY occurred_at DESC, seq DESC) = 1
)
SELECT CASE WHEN s.all_nodes THEN 'supplier' ELSE 'supplier_node' END AS scope,
       s.supplier_id, m.supplier_name, CASE WHEN s.all_nodes THEN NULL ELSE s.node_id END AS node_id,
       m.nominal_lead_time_days,
       s.pos, s.pos_received, s.pos_open,
       s.lead_time_mean, s.lead_time_std, s.lead_time_p50, s.lead_time_p90, s.lead_time_p95,
       s.lead_time_min, s.lead_time_max,
       s.on_time_rate, s.fill_rate, s.slipped_rate, s.slip_days_mean, s.slip_days_max,
       r.recent_mean AS lead_time_recent_mean,
       r.recent_mean - r.earlier_mean AS lead_time_trend_days,
       s.last_po_at
FROM scoped s
LEFT JOIN recent r ON r.supplier_id = s.supplier_id AND r.all_nodes = s.all_nodes
  AND (s.all_nodes OR r.node_id = s.node_id)
LEFT JOIN master m ON m.supplier_id = s.supplier_id
