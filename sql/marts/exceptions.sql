-- grain: one row per exception: exception_id unique.
-- The contract's read model (EVENTS.md), and the exception queue of the workflow (docs/workflow.md).
-- Conditions are derived on every read (they always agree with the ledger and depend only on the set of
-- events and the business clock, ledger_config.clock); workflow state (owner, assignee, escalation, status,
-- resolution) is folded from the workflow events of event_log (exception_opened, _acknowledged, _assigned,
-- _escalated, _resolved, _reopened), so replaying the log reproduces it. Conditions:
--   oversell           available < 0 at a node (opened: when the current negative stretch began)
--   negative_stock     a bucket (or in_transit) < 0 (opened: likewise)
--   inventory_mismatch a cycle-count variance beyond tolerance: |variance| > max(count_tolerance_units,
--                      count_tolerance_pct % of the ledger quantity) (opened: the count's time)
--   transfer_overdue   units still in transit after their due time
--   po_overdue         an open purchase quantity after its expected date
--   unknown_reference  an sku or node named by ledger events but never upserted (the events are kept)
--   master_data        an item without cost or price; a can_ship node without lanes
--   backorder, promise_at_risk, substitution_offered
--                      the allocator's open exceptions (allocation_exceptions, docs/allocation.md)
--   fulfilment_hold    an order held for a high-risk approval (fulfilment_holds, migration 0080)
--   delayed_receipt    an open PO whose expected date a po_updated pushed later, not yet overdue
--   damaged_stock      units in the damaged bucket awaiting a disposition (opened: the position's last movement)
--   anomaly            a detector anomaly of the last 7 days on a metric × scope (anomalies, migration 0100)
--   demand_above_plan  demand sensing: sales running above the forecast past stock + inbound cover
--                      (demand_sensing_exceptions, migration 0071)
--   quarantined_event  a landed event the ledger cannot apply, left out of every read model
--                      (ledger_quarantine, migration 0110, docs/ledger.md "Quarantine")
-- Identity: exception_id is a stable hash of the type, keys and opening time (an episode keeps its id);
-- condition_key is the same without the opening time. A condition whose workflow exception is not resolved
-- keeps that exception's id and state even if its opening time moves (a late event): deduplication.
-- A tracked exception whose condition is gone stays listed (condition_active = false) with its state.
WITH cfg AS (SELECT * FROM ledger_config),
neg_available AS (
  SELECT sku, node_id, sellable, reserved, available FROM inventory_positions WHERE available < 0
),
available_series AS (
  SELECT sku, node_id, occurred_at, seq,
         sum(sum(d)) OVER (PARTITION BY sku, node_id ORDER BY occurred_at, seq) AS available
  FROM (
    SELECT k.sku, k.node_id, s.occurred_at, s.seq, s.qty AS d
    FROM ledger_stock s JOIN ledger_keys k USING (key_id) JOIN neg_available n USING (sku, node_id)
    WHERE s.bucket = 'sellable'
    UNION ALL
    SELECT r.sku, r.node_id, r.occurred_at, r.seq, -r.qty
    FROM ledger_reservations r JOIN neg_available n USING (sku, node_id)
  )
  GROUP BY sku, node_id, occurred_at, seq
),
oversell AS (
  SELECT 'oversell' AS exception_type, 'high' AS severity, n.sku, n.node_id,
         NULL AS order_id, NULL AS po_id, NULL AS transfer_id, NULL AS event_id,
         (SELECT min(a.occurred_at) FROM available_series a
          WHERE a.sku = n.sku AND a.node_id = n.node_id AND a.available < 0
            AND (a.occurred_at, a.seq) > coalesce(
              (SELECT max((b.occurred_at, b.seq)) FROM available_series b
               WHERE b.sku = n.sku AND b.node_id = n.node_id AND b.available >= 0),
              (TIMESTAMPTZ '-infinity', -1::BIGINT)))                     AS opened_at,
         n.available AS qty, NULL::DECIMAL(38, 2) AS value,
         json_object('available', n.available, 'sellable', n.sellable, 'reserved', n.reserved)::VARCHAR AS detail
  FROM neg_available n
),
neg_buckets AS (
  SELECT p.sku, p.node_id, b.bucket, b.qty, p.avg_unit_cost
  FROM inventory_positions p,
       LATERAL (VALUES ('sellable', p.sellable), ('damaged', p.damaged), ('quarantine', p.quarantine),
                       ('repair', p.repair), ('returns_pending', p.returns_pending),
                       ('in_transit', p.in_transit_in)) b(bucket, qty)
  WHERE b.qty < 0
),
negative_stock AS (
  SELECT 'negative_stock' AS exception_type,
         CASE WHEN n.bucket = 'sellable' THEN 'high' ELSE 'medium' END AS severity,
         n.sku, n.node_id, NULL AS order_id, NULL AS po_id, NULL AS transfer_id, NULL AS event_id,
         (SELECT min(s.occurred_at) FROM ledger_stock s
          WHERE s.key_id = k.key_id AND s.bucket = n.bucket AND s.bucket_qty < 0
            AND (s.occurred_at, s.seq) > coalesce(
              (SELECT max((o.occurred_at, o.seq)) FROM ledger_stock o
               WHERE o.key_id = k.key_id AND o.bucket = n.bucket AND o.bucket_qty >= 0),
              (TIMESTAMPTZ '-infinity', -1::BIGINT)))                     AS opened_at,
         n.qty, CAST(n.qty * n.avg_unit_cost AS DECIMAL(38, 2)) AS value,
         json_object('bucket', n.bucket, 'qty', n.qty)::VARCHAR AS detail
  FROM neg_buckets n JOIN ledger_keys k USING (sku, node_id)
),
mismatch AS (
  SELECT 'inventory_mismatch' AS exception_type,
         CASE WHEN abs(s.qty) > 3 * greatest(cfg.count_tolerance_units,
                                               cfg.count_tolerance_pct / 100 * abs(s.system_qty))
              THEN 'high' ELSE 'medium' END AS severity,
         k.sku, k.node_id, NULL AS order_id, NULL AS po_id, NULL AS transfer_id, e.event_id,
         s.occurred_at AS opened_at, s.qty, s.value,
         json_object('bucket', s.bucket, 'counted_qty', s.counted_qty, 'ledger_qty', s.system_qty,
                     'variance', s.qty, 'value', s.value,
                     'tolerance', round(greatest(cfg.count_tolerance_units,
                                                 cfg.count_tolerance_pct / 100 * abs(s.system_qty)), 4))::VARCHAR
           AS detail
  FROM ledger_stock s
  JOIN ledger_keys k USING (key_id)
  JOIN event_log e ON e.seq = s.seq
  CROSS JOIN cfg
  WHERE s.event_type = 'cycle_count'
    AND abs(s.qty) > greatest(cfg.count_tolerance_units, cfg.count_tolerance_pct / 100 * abs(s.system_qty))
),
transfer_overdue AS (
  SELECT 'transfer_overdue' AS exception_type, 'medium' AS severity, t.sku, t.to_node_id AS node_id,
         NULL AS order_id, NULL AS po_id, t.transfer_id, NULL AS event_id, t.due_at AS opened_at,
         t.in_transit_qty AS qty, CAST(t.in_transit_qty * t.unit_value AS DECIMAL(38, 2)) AS value,
         json_object('from_node_id', t.from_node_id, 'shipped_qty', t.shipped_qty, 'received_qty', t.received_qty,
                     'in_transit_qty', t.in_transit_qty, 'due_at', t.due_at)::VARCHAR AS detail
  FROM ledger_transfers t CROSS JOIN cfg
  WHERE t.in_transit_qty > 0 AND t.due_at < cfg.clock
),
po_overdue AS (
  SELECT 'po_overdue' AS exception_type, 'medium' AS severity, NULL AS sku, any_value(p.node_id) AS node_id,
         NULL AS order_id, p.po_id, NULL AS transfer_id, NULL AS event_id,
         any_value(p.expected_at) AS opened_at, sum(p.open_qty) AS qty,
         CAST(sum(p.open_qty * p.unit_cost) AS DECIMAL(38, 2)) AS value,
         json_object('supplier_id', any_value(p.supplier_id), 'expected_at', any_value(p.expected_at),
                     'open_qty', sum(p.open_qty), 'skus', count(*))::VARCHAR AS detail
  FROM ledger_purchase_orders p CROSS JOIN cfg
  WHERE p.open_qty > 0 AND CAST(p.expected_at AS DATE) < CAST(cfg.clock AS DATE)
  GROUP BY p.po_id
),
referenced AS (
  SELECT 'sku' AS kind, sku AS id, first_occurred_at AS first_at FROM ledger_keys
  UNION ALL SELECT 'node', node_id, first_occurred_at FROM ledger_keys
  UNION ALL SELECT 'sku', sku, occurred_at FROM ledger_order_events WHERE sku IS NOT NULL
  UNION ALL SELECT 'node', node_id, occurred_at FROM ledger_order_events WHERE node_id IS NOT NULL
  UNION ALL SELECT 'sku', sku, occurred_at FROM ledger_po_events WHERE sku IS NOT NULL
  UNION ALL SELECT 'node', node_id, occurred_at FROM ledger_po_events WHERE node_id IS NOT NULL
),
unknown_reference AS (
  SELECT 'unknown_reference' AS exception_type, 'medium' AS severity,
         CASE WHEN kind = 'sku' THEN id END AS sku, CASE WHEN kind = 'node' THEN id END AS node_id,
         NULL AS order_id, NULL AS po_id, NULL AS transfer_id, NULL AS event_id,
         min(first_at) AS opened_at, NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         json_object('kind', kind, 'id', id, 'reason', 'referenced by events but never upserted')::VARCHAR AS detail
  FROM referenced r
  WHERE (kind = 'sku' AND id NOT IN (SELECT sku FROM stg_items))
     OR (kind = 'node' AND id NOT IN (SELECT node_id FROM stg_nodes))
  GROUP BY kind, id
),
master_data AS (
  SELECT 'master_data' AS exception_type, 'low' AS severity, sku, NULL AS node_id, NULL AS order_id,
         NULL AS po_id, NULL AS transfer_id, source_event_id AS event_id, updated_at AS opened_at,
         NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         json_object('reason', CASE WHEN coalesce(unit_cost, 0) = 0 AND coalesce(list_price, 0) = 0
                                    THEN 'item without cost and price'
                                    WHEN coalesce(unit_cost, 0) = 0 THEN 'item without cost'
                                    ELSE 'item without price' END,
                     'unit_cost', unit_cost, 'list_price', list_price)::VARCHAR AS detail
  FROM stg_items
  WHERE coalesce(unit_cost, 0) = 0 OR coalesce(list_price, 0) = 0
  UNION ALL
  SELECT 'master_data', 'low', NULL, n.node_id, NULL, NULL, NULL, n.source_event_id, n.updated_at, NULL, NULL,
         json_object('reason', 'can_ship node without lanes')::VARCHAR
  FROM stg_nodes n
  WHERE n.can_ship AND n.node_id NOT IN (SELECT node_id FROM stg_lanes)
),
-- only the orders exceptions name: parsing every order's lines is the expensive part of this model
order_lines AS MATERIALIZED (
  SELECT order_id, line_id, sku, qty, unit_price FROM ledger_order_lines
  WHERE order_id IN (SELECT order_id FROM allocation_exceptions WHERE status = 'open'
                     UNION ALL SELECT order_id FROM fulfilment_holds WHERE status = 'held')
),
allocator AS (
  SELECT a.exception_type, a.severity, a.sku, a.node_id, a.order_id, a.line_id, a.po_id, NULL AS transfer_id,
         NULL AS event_id, a.opened_at,
         coalesce((a.detail->>'late_units'), (a.detail->>'backordered_units'), (a.detail->>'units'))::BIGINT AS qty,
         NULL::DECIMAL(38, 2) AS value,
         json_merge_patch(a.detail, json_object('line_id', a.line_id, 'allocator_exception_id', a.exception_id))::VARCHAR
           AS detail
  FROM allocation_exceptions a
  WHERE a.status = 'open'
),
holds AS (
  SELECT 'fulfilment_hold' AS exception_type, 'high' AS severity, NULL AS sku, NULL AS node_id, h.order_id,
         NULL AS line_id, NULL AS po_id, NULL AS transfer_id, NULL AS event_id, h.held_at AS opened_at,
         NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         json_object('request_id', h.request_id, 'reason', 'high-risk order awaiting approval')::VARCHAR AS detail
  FROM fulfilment_holds h
  WHERE h.status = 'held'
),
-- an open PO whose supplier pushed its expected date later (po_updated), before it is overdue (then po_overdue)
delayed_receipt AS (
  SELECT 'delayed_receipt' AS exception_type,
         CASE WHEN date_diff('day', s.promised_at, s.expected_at) >= 7 THEN 'high' ELSE 'medium' END AS severity,
         NULL AS sku, p.node_id, NULL AS order_id, s.po_id, NULL AS transfer_id, NULL AS event_id,
         s.slipped_at AS opened_at, p.open_qty AS qty, CAST(p.value AS DECIMAL(38, 2)) AS value,
         json_object('supplier_id', p.supplier_id, 'promised_at', s.promised_at, 'expected_at', s.expected_at,
                     'slip_days', date_diff('day', s.promised_at, s.expected_at), 'open_qty', p.open_qty)::VARCHAR
           AS detail
  FROM (
    SELECT po_id,
           arg_min(expected_at, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS promised_at,
           arg_max(expected_at, (occurred_at, seq)) FILTER (WHERE event_type IN ('po_created', 'po_updated'))
             AS expected_at,
           max(occurred_at) FILTER (WHERE event_type = 'po_updated') AS slipped_at
    FROM ledger_po_events GROUP BY po_id
  ) s
  JOIN (SELECT po_id, any_value(node_id) AS node_id, any_value(supplier_id) AS supplier_id,
               sum(open_qty) AS open_qty, sum(open_qty * unit_cost) AS value
        FROM ledger_purchase_orders WHERE open_qty > 0 GROUP BY po_id) p USING (po_id)
  CROSS JOIN cfg
  WHERE s.expected_at > s.promised_at AND CAST(s.expected_at AS DATE) >= CAST(cfg.clock AS DATE)
),
-- units waiting in the damaged bucket for a disposition (repair, write-off, vendor return)
damaged AS (
  SELECT 'damaged_stock' AS exception_type, 'low' AS severity, p.sku, p.node_id, NULL AS order_id, NULL AS line_id,
         NULL AS po_id, NULL AS transfer_id, NULL AS event_id, p.last_movement_at AS opened_at,
         p.damaged::BIGINT AS qty, CAST(p.damaged * coalesce(p.avg_unit_cost, 0) AS DECIMAL(38, 2)) AS value,
         json_object('bucket', 'damaged', 'units', p.damaged)::VARCHAR AS detail
  FROM inventory_positions p
  WHERE p.damaged > 0
),
-- anomalies the detector scored in the last 7 business days (docs/anomalies.md); one per metric × scope × day
anomaly AS (
  SELECT 'anomaly' AS exception_type, CASE WHEN a.score >= 0.9 THEN 'high' ELSE 'medium' END AS severity,
         NULL AS sku, CASE WHEN a.scope_kind = 'node' THEN a.scope_id END AS node_id, NULL AS order_id,
         NULL AS line_id, NULL AS po_id, NULL AS transfer_id, NULL AS event_id,
         CAST(a.day AS TIMESTAMPTZ) AS opened_at, NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         json_object('kind', concat_ws(':', a.metric, a.scope_kind, a.scope_id), 'metric', a.metric,
                     'scope_kind', a.scope_kind, 'scope_id', a.scope_id, 'day', a.day, 'value', a.value,
                     'expected', a.expected, 'score', a.score, 'direction', a.direction)::VARCHAR AS detail
  FROM anomalies a, cfg
  WHERE a.is_anomaly AND a.day >= CAST(cfg.clock AS DATE) - 7
),
-- events the ledger quarantined (docs/ledger.md, "Quarantine"): the numbers miss them until someone acts
quarantined AS (
  SELECT 'quarantined_event' AS exception_type, 'high' AS severity, NULL AS sku, NULL AS node_id,
         NULL AS order_id, NULL AS line_id, NULL AS po_id, NULL AS transfer_id, q.event_id,
         q.quarantined_at AS opened_at, NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         json_object('seq', q.seq, 'type', q.type, 'reason', q.reason, 'message', q.message)::VARCHAR AS detail
  FROM ledger_quarantine q
),
found AS (
  SELECT * FROM oversell
  UNION ALL BY NAME SELECT * FROM quarantined
  UNION ALL BY NAME SELECT * FROM negative_stock
  UNION ALL BY NAME SELECT * FROM mismatch
  UNION ALL BY NAME SELECT * FROM transfer_overdue
  UNION ALL BY NAME SELECT * FROM po_overdue
  UNION ALL BY NAME SELECT * FROM unknown_reference
  UNION ALL BY NAME SELECT * FROM master_data
  UNION ALL BY NAME SELECT * FROM allocator
  UNION ALL BY NAME SELECT * FROM holds
  UNION ALL BY NAME SELECT * FROM damaged
  UNION ALL BY NAME SELECT * FROM delayed_receipt
  UNION ALL BY NAME SELECT * FROM anomaly
  -- forecasting's demand sensing: demand running above plan past what stock + inbound cover (docs/forecasting.md)
  UNION ALL BY NAME SELECT * EXCLUDE (detail), CAST(detail AS VARCHAR) AS detail FROM demand_sensing_exceptions
),
keyed AS (
  SELECT concat_ws('|', exception_type, coalesce(sku, ''), coalesce(node_id, ''), coalesce(po_id, ''),
                   coalesce(transfer_id, ''), coalesce(event_id, ''),
                   coalesce(json_extract_string(detail, '$.bucket'), ''),
                   coalesce(json_extract_string(detail, '$.kind'), ''),
                   -- order keys only for the types that have them, so ledger ids stay as they were
                   CASE WHEN order_id IS NOT NULL THEN concat(order_id, '|', coalesce(line_id, '')) END) AS keys,
         *
  FROM found
),
identified AS MATERIALIZED (
  SELECT md5(concat_ws('|', keys, coalesce(strftime(opened_at, '%Y-%m-%dT%H:%M:%S.%fZ'), ''))) AS exception_id,
         md5(keys) AS condition_key,
         * EXCLUDE (keys)
  FROM keyed
),
-- customer orders holding reservations on an oversold sku × node (the promises an oversell puts at risk)
open_claims AS (
  SELECT sku, node_id, count(*) AS open_orders
  FROM (SELECT r.sku, r.node_id, r.order_id
        FROM ledger_reservations r SEMI JOIN neg_available n ON n.sku = r.sku AND n.node_id = r.node_id
        GROUP BY ALL HAVING sum(r.qty) > 0)
  GROUP BY ALL
),
impact AS (
  SELECT i.exception_id,
         CAST(CASE
           WHEN i.exception_type IN ('backorder', 'promise_at_risk', 'substitution_offered')
             THEN coalesce(i.qty, l.qty) * l.unit_price
           WHEN i.exception_type = 'fulfilment_hold' THEN v.order_value
           WHEN i.exception_type IN ('demand_above_plan', 'damaged_stock', 'delayed_receipt') THEN coalesce(i.value, 0)
           WHEN i.exception_type IN ('oversell', 'negative_stock', 'inventory_mismatch', 'transfer_overdue',
                                     'po_overdue')
             THEN abs(coalesce(i.qty, 0)) * coalesce(it.list_price, 0)
           ELSE 0 END AS DECIMAL(18, 2)) AS revenue_at_risk,
         CASE
           WHEN i.order_id IS NOT NULL THEN 1
           WHEN i.exception_type = 'oversell' THEN coalesce(c.open_orders, 0)
           ELSE 0 END::BIGINT AS promises_affected
  FROM identified i
  LEFT JOIN order_lines l ON l.order_id = i.order_id AND l.line_id = i.line_id
  LEFT JOIN (SELECT order_id, sum(qty * unit_price) AS order_value FROM order_lines GROUP BY ALL) v
    ON v.order_id = i.order_id AND i.exception_type = 'fulfilment_hold'
  LEFT JOIN stg_items it ON it.sku = i.sku
  LEFT JOIN open_claims c ON c.sku = i.sku AND c.node_id = i.node_id AND i.exception_type = 'oversell'
),
-- each workflow event's JSON is parsed once (one multi-path extraction), not once per field
wf_events AS (
  SELECT seq, type, occurred_at, f[1] AS exception_id, f[2] AS note, f[3] AS assignee, f[4] AS to_role,
         f[5]::INTEGER AS level, f[6] AS resolution_code,
         CASE WHEN type = 'exception_opened' THEN payload END AS payload
  FROM (SELECT seq, type, occurred_at, payload,
               json_extract_string(payload, ['$.exception_id', '$.note', '$.assignee', '$.to_role', '$.level',
                                             '$.resolution_code']) AS f
        FROM stg_event_log
        WHERE type IN ('exception_opened', 'exception_acknowledged', 'exception_assigned', 'exception_escalated',
                       'exception_resolved', 'exception_reopened'))
),
wf AS (
  SELECT exception_id,
         arg_min(payload, (occurred_at, seq)) FILTER (WHERE type = 'exception_opened') AS opened,
         arg_max(CASE type WHEN 'exception_acknowledged' THEN 'acknowledged' WHEN 'exception_resolved' THEN 'resolved'
                           ELSE 'open' END, (occurred_at, seq))
           FILTER (WHERE type IN ('exception_opened', 'exception_acknowledged', 'exception_resolved',
                                  'exception_reopened')) AS status,
         arg_max(note, (occurred_at, seq)) FILTER (WHERE note IS NOT NULL) AS note,
         arg_max(assignee, (occurred_at, seq)) FILTER (WHERE type = 'exception_assigned') AS assignee,
         arg_max(to_role, (occurred_at, seq)) FILTER (WHERE type = 'exception_escalated') AS escalated_to,
         max(level) FILTER (WHERE type = 'exception_escalated') AS escalation_level,
         max(occurred_at) FILTER (WHERE type = 'exception_escalated') AS last_escalated_at,
         arg_max(occurred_at, (occurred_at, seq)) FILTER (WHERE type = 'exception_acknowledged') AS acknowledged_at,
         arg_max(occurred_at, (occurred_at, seq)) FILTER (WHERE type = 'exception_resolved') AS resolved_at,
         arg_max(resolution_code, (occurred_at, seq)) FILTER (WHERE type = 'exception_resolved') AS resolution_code,
         max(occurred_at) AS last_action_at
  FROM wf_events
  GROUP BY exception_id
),
tracked AS MATERIALIZED (
  SELECT w.* EXCLUDE (opened), o[1] AS condition_key, o[2] AS o_type, o[3] AS o_severity, o[4] AS o_sku,
         o[5] AS o_node_id, o[6] AS o_order_id, o[7] AS o_line_id, o[8] AS o_po_id, o[9] AS o_transfer_id,
         o[10] AS o_opened_at, o[11] AS o_revenue_at_risk, o[12] AS o_promises_affected, o[13] AS o_owner_role,
         o[14] AS o_sla_hours, (w.opened->'detail'->'condition')::VARCHAR AS o_detail
  FROM (SELECT *, json_extract_string(opened, ['$.condition_key', '$.exception_type', '$.severity', '$.sku',
                                               '$.node_id', '$.order_id', '$.line_id', '$.po_id', '$.transfer_id',
                                               '$.detail.opened_at', '$.revenue_at_risk', '$.promises_affected',
                                               '$.owner_role', '$.sla_hours']) AS o
        FROM wf WHERE opened IS NOT NULL) w
),
legacy AS (
  SELECT exception_id, arg_max(status, updated_at) AS status, arg_max(note, updated_at) AS note
  FROM exception_status GROUP BY exception_id
),
live AS MATERIALIZED (
  SELECT coalesce(t.exception_id, i.exception_id) AS exception_id, i.*  EXCLUDE (exception_id),
         i.exception_id AS source_id, t.exception_id AS tracked_id
  FROM identified i
  LEFT JOIN tracked t
    ON t.condition_key = i.condition_key
   AND (t.exception_id = i.exception_id OR t.status <> 'resolved')
  QUALIFY row_number() OVER (PARTITION BY i.exception_id
                             ORDER BY (t.exception_id = i.exception_id) DESC NULLS LAST, t.last_action_at DESC) = 1
),
gone AS (
  SELECT t.exception_id, t.o_type AS exception_type, t.o_severity AS severity, t.o_sku AS sku,
         t.o_node_id AS node_id, t.o_order_id AS order_id, t.o_line_id AS line_id, t.o_po_id AS po_id,
         t.o_transfer_id AS transfer_id, NULL AS event_id, CAST(t.o_opened_at AS TIMESTAMPTZ) AS opened_at,
         t.o_detail AS detail, NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         t.condition_key, t.exception_id AS source_id, t.exception_id AS tracked_id
  FROM tracked t
  WHERE t.exception_id NOT IN (SELECT tracked_id FROM live WHERE tracked_id IS NOT NULL)
)
SELECT x.exception_id, x.exception_type, x.severity, x.sku, x.node_id, x.order_id, x.po_id, x.transfer_id,
       x.event_id, x.opened_at, coalesce(t.status, g.status, 'open') AS status, x.detail, x.qty, x.value,
       coalesce(t.note, g.note) AS note,
       x.line_id, x.condition_key, x.source_id, x.live AS condition_active, t.exception_id IS NOT NULL AS tracked,
       coalesce(m.revenue_at_risk, CAST(t.o_revenue_at_risk AS DECIMAL(18, 2)), 0) AS revenue_at_risk,
       coalesce(m.promises_affected, t.o_promises_affected::BIGINT, 0) AS promises_affected,
       coalesce(t.escalated_to, t.o_owner_role) AS owner_role,
       CAST(t.o_sla_hours AS DOUBLE) AS sla_hours,
       t.assignee, coalesce(t.escalation_level, 0) AS escalation_level, t.last_escalated_at,
       t.acknowledged_at, t.resolved_at, t.resolution_code, t.last_action_at
FROM (
  SELECT *, true AS live FROM live
  UNION ALL BY NAME
  SELECT *, false AS live FROM gone
) x
LEFT JOIN tracked t ON t.exception_id = x.tracked_id
LEFT JOIN legacy g ON g.exception_id = x.source_id
LEFT JOIN impact m ON m.exception_id = x.source_id
