-- grain: one row per (day, kpi, channel_id | node_id, category) with numerator and denominator, so pages
-- re-aggregate any filter selection exactly: value = Σ numerator / Σ denominator (× 100 for %).
-- Order KPIs carry channel_id, stock KPIs node_id (and category where the sku gives one).
WITH {{order_facts}},
cfg AS (SELECT count_tolerance_units, count_tolerance_pct FROM ledger_config),
counts AS (
  SELECT s.occurred_at::DATE AS day, k.node_id, i.category,
         abs(s.qty) <= greatest(cfg.count_tolerance_units, cfg.count_tolerance_pct / 100 * abs(s.system_qty)) AS accurate
  FROM ledger_stock s JOIN ledger_keys k USING (key_id) LEFT JOIN stg_items i ON i.sku = k.sku, cfg
  WHERE s.event_type = 'cycle_count'
),
shipped AS (SELECT * FROM order_facts WHERE fully_shipped AND last_shipped_at IS NOT NULL),
promised AS (
  SELECT (payload->>'order_id') AS order_id, TRY_CAST(payload->>'promised_by' AS DATE) AS promised_by
  FROM stg_event_log WHERE type = 'order_placed'
),
refunds AS (
  SELECT e.occurred_at::DATE AS day, epoch(e.occurred_at - min(r.occurred_at)) / 3600 AS hours
  FROM stg_event_log e
  JOIN ledger_stock r ON r.event_type = 'return_received' AND r.return_id = (e.payload->>'return_id')
  WHERE e.type = 'refund_issued'
  GROUP BY e.seq, e.occurred_at
)
SELECT day, 'inventory_accuracy' AS kpi, NULL AS channel_id, node_id, category,
       count(*) FILTER (WHERE accurate)::DOUBLE AS num, count(*)::DOUBLE AS den
FROM counts GROUP BY ALL
UNION ALL
SELECT last_shipped_at::DATE, 'order_cycle_hours', channel_id, NULL, NULL, sum(placed_to_shipped_hours), count(placed_to_shipped_hours)
FROM shipped GROUP BY ALL
UNION ALL
SELECT last_shipped_at::DATE, 'fulfilment_cost_per_order', channel_id, NULL, NULL, sum(fulfilment_cost), count(*)
FROM shipped GROUP BY ALL
UNION ALL
SELECT placed_at::DATE, 'cancellation_rate', channel_id, NULL, NULL, sum(lines_cancelled), sum(lines)
FROM order_facts GROUP BY ALL
UNION ALL
SELECT placed_at::DATE, 'fill_rate', channel_id, NULL, NULL, sum(units_shipped), sum(units_ordered)
FROM order_facts GROUP BY ALL
UNION ALL
SELECT s.last_shipped_at::DATE, 'on_time_rate', s.channel_id, NULL, NULL,
       count(*) FILTER (WHERE s.last_shipped_at::DATE <= p.promised_by), count(*)
FROM shipped s JOIN promised p USING (order_id) WHERE p.promised_by IS NOT NULL GROUP BY ALL
UNION ALL
SELECT day, 'refund_processing_hours', NULL, NULL, NULL, sum(hours), count(*) FROM refunds GROUP BY ALL
ORDER BY 1, 2
