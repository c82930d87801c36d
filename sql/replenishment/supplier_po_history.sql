-- grain: one row per po_id created (po_created): its supplier, node, dates, quantities and how it was delivered.
-- Straight from event_log (no ledger refresh needed), so supplier metrics exist as soon as events land.
-- lead_time_days: po_created → first receipt against the PO, in (fractional) days.
-- on_time: the first receipt came on or before the day first promised (the po_created expected_at; date granularity).
-- slip_days: the latest expected_at (po_updated, by business time) minus the first promised one, in days.
-- fill: received (capped at the ordered quantity per sku) / ordered, for settled POs (a receipt, or cancelled).
WITH po_events AS (
  SELECT seq, type, occurred_at, payload,
         payload->>'po_id' AS po_id,
         CASE WHEN length(payload->>'expected_at') = 10 THEN (payload->>'expected_at')::DATE::TIMESTAMPTZ
              ELSE (payload->>'expected_at')::TIMESTAMPTZ END AS expected_at
  FROM stg_event_log
  WHERE type IN ('po_created', 'po_updated', 'po_cancelled')
),
header AS (
  SELECT po_id,
         arg_min(payload->>'supplier_id', (occurred_at, seq)) FILTER (WHERE type = 'po_created') AS supplier_id,
         arg_min(payload->>'node_id', (occurred_at, seq)) FILTER (WHERE type = 'po_created') AS node_id,
         min(occurred_at) FILTER (WHERE type = 'po_created') AS created_at,
         arg_min(expected_at, (occurred_at, seq)) FILTER (WHERE type = 'po_created') AS promised_at,
         arg_max(expected_at, (occurred_at, seq)) FILTER (WHERE type IN ('po_created', 'po_updated')) AS expected_at,
         count(*) FILTER (WHERE type = 'po_updated') AS eta_updates,
         count(*) FILTER (WHERE type = 'po_cancelled') > 0 AS cancelled
  FROM po_events
  GROUP BY po_id
),
lines AS (
  SELECT po_id, l.sku, sum(l.qty) AS ordered_qty, sum(l.qty * l.unit_cost) AS ordered_value
  FROM (
    SELECT po_id, unnest(from_json(payload->'lines', '[{"sku":"VARCHAR","qty":"BIGINT","unit_cost":"DOUBLE"}]')) AS l
    FROM po_events WHERE type = 'po_created'
  )
  GROUP BY po_id, l.sku
),
receipts AS (
  SELECT payload->>'po_id' AS po_id, payload->>'sku' AS sku,
         sum((payload->>'qty')::BIGINT) AS received_qty,
         min(occurred_at) AS first_receipt_at, max(occurred_at) AS last_receipt_at
  FROM stg_event_log
  WHERE type = 'receipt' AND (payload->>'po_id') IS NOT NULL
  GROUP BY 1, 2
),
per_po AS (
  SELECT l.po_id,
         sum(l.ordered_qty) AS ordered_qty,
         sum(l.ordered_value) AS ordered_value,
         sum(least(coalesce(r.received_qty, 0), l.ordered_qty)) AS received_qty,  -- least() skips NULLs
         min(r.first_receipt_at) AS first_receipt_at,
         max(r.last_receipt_at) AS last_receipt_at
  FROM lines l
  LEFT JOIN receipts r USING (po_id, sku)
  GROUP BY l.po_id
)
SELECT h.po_id, h.supplier_id, h.node_id, h.created_at, h.promised_at, h.expected_at,
       h.eta_updates::INTEGER AS eta_updates,
       date_diff('second', h.promised_at, h.expected_at) / 86400.0 AS slip_days,
       p.ordered_qty, p.ordered_value, p.received_qty, p.first_receipt_at, p.last_receipt_at, h.cancelled,
       date_diff('second', h.created_at, p.first_receipt_at) / 86400.0 AS lead_time_days,
       CASE WHEN p.first_receipt_at IS NULL THEN NULL
            ELSE p.first_receipt_at::DATE <= h.promised_at::DATE END AS on_time,
       (p.first_receipt_at IS NOT NULL OR h.cancelled) AS settled,
       CASE WHEN p.first_receipt_at IS NOT NULL OR h.cancelled
            THEN p.received_qty / p.ordered_qty::DOUBLE END AS fill_rate
FROM header h
JOIN per_po p USING (po_id)
WHERE h.created_at IS NOT NULL
