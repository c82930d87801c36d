-- grain: one row per exception: exception_id unique.
-- The contract's read model (EVENTS.md), and the exception queue of the workflow (docs/workflow.md).
-- Exceptions are a history: every episode of every condition (exception_episodes.sql: oversell, negative stock,
-- mismatch, overdue and short transfers, overdue POs, holds, allocator exceptions, ...) from opened_at to
-- cleared_at in event time, derived from the events and the business clock alone. An episode that cleared
-- stays listed, `resolved`, with cleared_at and duration_hours.
-- Workflow state (owner, assignee, escalation, status, resolution) is folded from the workflow events of
-- event_log (exception_opened, _acknowledged, _assigned, _escalated, _resolved, _reopened), so replaying the
-- log reproduces it. status: a tracked exception's workflow status (the sync resolves a tracked exception
-- whose episode cleared, `condition_cleared`); an untracked one is `resolved` once its episode cleared, else
-- `open` (or its legacy exception_status).
-- Identity: exception_id is a stable hash of the type, keys and opening time (an episode keeps its id);
-- condition_key is the same without the opening time. A tracked exception follows its episode: the one with
-- its id, else the episode of its condition that contains the opening it recorded (a late event moved the
-- opening), else, while unresolved, the next episode of its condition; it keeps its id and state.
-- A tracked exception whose episode is gone altogether (a late event undid it) stays listed
-- (condition_active = false) with its state.
WITH episodes AS MATERIALIZED (
  SELECT * FROM exception_episodes
),
-- the oversells open now, and the customer orders holding reservations there (the promises put at risk)
neg_available AS (
  SELECT DISTINCT sku, node_id FROM episodes WHERE exception_type = 'oversell' AND cleared_at IS NULL
),
open_claims AS (
  SELECT sku, node_id, count(*) AS open_orders
  FROM (SELECT r.sku, r.node_id, r.order_id
        FROM ledger_reservations r SEMI JOIN neg_available n ON n.sku = r.sku AND n.node_id = r.node_id
        GROUP BY ALL HAVING sum(r.qty) > 0)
  GROUP BY ALL
),
-- only the orders open exceptions name: parsing every order's lines is the expensive part of this model
order_lines AS MATERIALIZED (
  SELECT order_id, line_id, sku, qty, unit_price FROM ledger_order_lines
  WHERE order_id IN (SELECT order_id FROM episodes WHERE order_id IS NOT NULL AND cleared_at IS NULL)
),
-- what an open episode puts at risk (a cleared one: nothing)
impact AS (
  SELECT i.exception_id,
         CAST(CASE
           WHEN i.cleared_at IS NOT NULL THEN 0
           WHEN i.exception_type IN ('backorder', 'promise_at_risk', 'substitution_offered')
             THEN coalesce(i.qty, l.qty) * l.unit_price
           WHEN i.exception_type = 'fulfilment_hold' THEN v.order_value
           WHEN i.exception_type IN ('demand_above_plan', 'damaged_stock', 'delayed_receipt') THEN coalesce(i.value, 0)
           WHEN i.exception_type IN ('oversell', 'negative_stock', 'inventory_mismatch', 'transfer_overdue',
                                     'transfer_short_received', 'po_overdue')
             THEN abs(coalesce(i.qty, 0)) * coalesce(it.list_price, 0)
           ELSE 0 END AS DECIMAL(18, 2)) AS revenue_at_risk,
         CASE
           WHEN i.cleared_at IS NOT NULL THEN 0
           WHEN i.order_id IS NOT NULL THEN 1
           WHEN i.exception_type = 'oversell' THEN coalesce(c.open_orders, 0)
           ELSE 0 END::BIGINT AS promises_affected
  FROM episodes i
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
        FROM event_log
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
-- each tracked exception's episode: its own id; else the episode of its condition containing the opening it
-- recorded; else (unresolved) the next episode of its condition after that opening
followed AS (
  SELECT t.exception_id AS tracked_id, e.exception_id AS episode_id, t.status, t.last_action_at,
         e.exception_id = t.exception_id AS same_id
  FROM tracked t
  JOIN episodes e ON e.condition_key = t.condition_key
  CROSS JOIN LATERAL (SELECT CAST(t.o_opened_at AS TIMESTAMPTZ) AS recorded) r
  WHERE e.exception_id = t.exception_id
     OR (e.opened_at <= r.recorded AND (e.cleared_at IS NULL OR r.recorded < e.cleared_at))
     OR (t.status <> 'resolved' AND e.opened_at > r.recorded)
  QUALIFY row_number() OVER (PARTITION BY t.exception_id
                             ORDER BY same_id DESC, e.opened_at <= r.recorded DESC, e.opened_at) = 1
),
live AS MATERIALIZED (
  SELECT coalesce(f.tracked_id, i.exception_id) AS exception_id, i.* EXCLUDE (exception_id),
         i.exception_id AS source_id, f.tracked_id
  FROM episodes i
  LEFT JOIN followed f ON f.episode_id = i.exception_id
  QUALIFY row_number() OVER (PARTITION BY i.exception_id
                             ORDER BY f.same_id DESC NULLS LAST, f.status <> 'resolved' DESC,
                                      f.last_action_at DESC) = 1
),
gone AS (
  SELECT t.exception_id, t.o_type AS exception_type, t.o_severity AS severity, t.o_sku AS sku,
         t.o_node_id AS node_id, t.o_order_id AS order_id, t.o_line_id AS line_id, t.o_po_id AS po_id,
         t.o_transfer_id AS transfer_id, NULL AS event_id, CAST(t.o_opened_at AS TIMESTAMPTZ) AS opened_at,
         NULL::TIMESTAMPTZ AS cleared_at, NULL::DOUBLE AS duration_hours,
         t.o_detail AS detail, NULL::BIGINT AS qty, NULL::DECIMAL(38, 2) AS value,
         t.condition_key, t.exception_id AS source_id, t.exception_id AS tracked_id
  FROM tracked t
  WHERE t.exception_id NOT IN (SELECT tracked_id FROM live WHERE tracked_id IS NOT NULL)
)
SELECT x.exception_id, x.exception_type, x.severity, x.sku, x.node_id, x.order_id, x.po_id, x.transfer_id,
       x.event_id, x.opened_at, x.cleared_at,
       coalesce(t.status, CASE WHEN x.cleared_at IS NOT NULL THEN 'resolved' END, g.status, 'open') AS status,
       x.detail, x.qty, x.value, x.duration_hours, coalesce(t.note, g.note) AS note,
       x.line_id, x.condition_key, x.source_id, x.live AND x.cleared_at IS NULL AS condition_active,
       t.exception_id IS NOT NULL AS tracked,
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
