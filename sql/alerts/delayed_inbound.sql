-- Delayed inbound as of $as_of: purchase orders past their expected date with units still open, or pushed
-- back by at least $slip_days from the date first promised (an ETA change announces the delay before it is
-- overdue); transfers past their due time with units still in transit. Impact: the open customer order
-- lines waiting for those skus, their channels, and what the node's stock of them covers.
-- grain: one row per po_id or transfer_id in the condition. Parameters: $as_of, $slip_days, $critical_days.
WITH po_events AS (SELECT * FROM ledger_po_events WHERE occurred_at <= $as_of::TIMESTAMP),
po AS (
  SELECT po_id,
         arg_min(node_id, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS node_id,
         arg_min(supplier_id, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS supplier_id,
         arg_min(expected_at, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS first_expected,
         arg_max(expected_at, (occurred_at, seq)) FILTER (WHERE event_type IN ('po_created', 'po_updated')) AS expected,
         coalesce(sum(qty) FILTER (WHERE event_type = 'po_created'), 0)
           - coalesce(sum(qty) FILTER (WHERE event_type = 'receipt'), 0) AS open_qty,
         count(*) FILTER (WHERE event_type = 'po_cancelled' AND line_id IS NULL) AS cancelled,
         list(DISTINCT sku) FILTER (WHERE event_type = 'po_created') AS skus
  FROM po_events GROUP BY po_id
),
late_po AS (
  SELECT po_id AS ref, 'po' AS ref_kind, node_id, skus, open_qty,
         greatest(date_diff('day', expected, $as_of::TIMESTAMP), 0) AS days_late,
         date_diff('day', first_expected, expected) AS slip_days, expected, supplier_id
  FROM po
  WHERE cancelled = 0 AND open_qty > 0 AND first_expected IS NOT NULL
    AND (expected < $as_of::TIMESTAMP OR date_diff('day', first_expected, expected) >= $slip_days)
),
late_tr AS (
  SELECT transfer_id AS ref, 'transfer' AS ref_kind, any_value(to_node_id) AS node_id, list(DISTINCT sku) AS skus,
         sum(shipped_qty - received_qty) AS open_qty,
         date_diff('day', min(due_at), $as_of::TIMESTAMP) AS days_late, 0 AS slip_days, min(due_at) AS expected,
         NULL::VARCHAR AS supplier_id
  FROM ledger_transfers
  WHERE shipped_at <= $as_of::TIMESTAMP AND due_at < $as_of::TIMESTAMP
    AND (last_received_at IS NULL OR last_received_at > $as_of::TIMESTAMP OR in_transit_qty > 0)
  GROUP BY transfer_id
  HAVING sum(shipped_qty - received_qty) > 0 OR min(last_received_at) > $as_of::TIMESTAMP
),
late AS (SELECT * FROM late_po UNION ALL SELECT * FROM late_tr),
open_lines AS (
  -- order lines placed by $as_of and not shipped or cancelled by then
  SELECT l.order_id, l.line_id, l.sku, l.channel_id, l.qty
  FROM ledger_order_lines l
  WHERE l.placed_at <= $as_of::TIMESTAMP
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.type = 'shipped' AND e.occurred_at <= $as_of::TIMESTAMP
                    AND (e.payload->>'order_id') = l.order_id AND (e.payload->>'line_id') = l.line_id)
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.type = 'order_cancelled' AND e.occurred_at <= $as_of::TIMESTAMP
                    AND (e.payload->>'order_id') = l.order_id
                    AND ((e.payload->>'line_id') IS NULL OR (e.payload->>'line_id') = l.line_id))
),
exposure AS (
  SELECT late.ref, count(DISTINCT o.order_id) AS orders, coalesce(sum(o.qty), 0) AS units,
         list(DISTINCT o.channel_id) FILTER (WHERE o.channel_id IS NOT NULL) AS channels
  FROM late LEFT JOIN open_lines o ON list_contains(late.skus, o.sku)
  GROUP BY late.ref
)
SELECT
  'delayed_inbound' AS kind,
  late.ref_kind || ':' || late.ref AS condition_key,
  CASE WHEN late.days_late >= $critical_days OR late.slip_days >= 2 * $slip_days THEN 'critical' ELSE NULL END
    AS severity_override,
  late.node_id, NULL::VARCHAR AS channel_id, NULL::VARCHAR AS sku,
  'Delayed inbound: ' || late.ref_kind || ' ' || late.ref || ' to ' || late.node_id AS title,
  printf('%s units open, expected %s (%s)', format('{:,}', late.open_qty), strftime(late.expected, '%Y-%m-%d'),
         coalesce(nullif(concat_ws(', ', CASE WHEN late.days_late > 0 THEN printf('%d days late', late.days_late) END,
                                   CASE WHEN late.slip_days > 0 THEN printf('pushed back %d days', late.slip_days) END),
                         ''), 'due now')) AS detail,
  greatest(late.days_late, late.slip_days)::DOUBLE AS metric_value,
  $slip_days::DOUBLE AS threshold,
  json_object('open_units', late.open_qty, 'skus', len(late.skus), 'supplier_id', late.supplier_id,
              'expected_at', strftime(late.expected, '%Y-%m-%d'), 'days_late', late.days_late,
              'days_pushed_back', late.slip_days, 'orders_exposed', e.orders, 'order_units_exposed', e.units,
              'channels_exposed', coalesce(e.channels, [])) AS impact
FROM late JOIN exposure e USING (ref)
