-- grain: one row per exposed (po_id, sku) of supplier_exposure (exposure.sql as of the business now — the ledger's pinned clock, else the latest operational event — 28-day
-- demand), in the shape of the `exceptions` read model, for the exceptions owner to
-- `UNION ALL BY NAME SELECT * FROM replenishment_exceptions`. qty = open PO units; value = revenue at risk.
SELECT
  'supplier_late_exposure' AS exception_type,
  CASE WHEN revenue_at_risk >= 1000 OR days_short >= 7 THEN 'high' ELSE 'medium' END AS severity,
  sku,
  node_id,
  CAST(NULL AS VARCHAR) AS order_id,
  po_id,
  CAST(NULL AS VARCHAR) AS transfer_id,
  CAST(NULL AS VARCHAR) AS event_id,
  stockout_date::TIMESTAMPTZ AS opened_at,
  json_object('supplier_id', supplier_id, 'reason', reason, 'arrival', arrival, 'stockout_date', stockout_date,
              'days_short', days_short, 'channels', channels, 'open_orders', open_orders,
              'revenue_at_risk', revenue_at_risk) AS detail,
  open_qty AS qty,
  revenue_at_risk AS value,
  revenue_at_risk
FROM supplier_exposure
WHERE exposed
