-- grain: one row per exception episode: exception_id unique. An episode is one stretch of time during which a
-- condition held, from opened_at to cleared_at (NULL: still open), in event (business) time, derived from the
-- set of events alone, so it is the same however the events arrived. The `exceptions` read model
-- (exceptions.sql) adds the workflow state; docs/ledger.md ("exceptions") explains each condition.
--
--   oversell              available = sellable - reserved < 0 at a sku x node         (ledger_episodes, by the refresh)
--   negative_stock        a bucket (or in_transit) < 0                                 (ledger_episodes)
--   damaged_stock         units in the damaged bucket awaiting a disposition           (ledger_episodes)
--   inventory_mismatch    a cycle count beyond tolerance (|variance| > max(count_tolerance_units,
--                         count_tolerance_pct % of the ledger quantity)); cleared by the next count of the
--                         bucket within tolerance (a recount that confirms the book)
--   transfer_overdue      a transfer past its due date (from the day after) and nothing of it received;
--                         opened_at: the due time; cleared by its first receipt
--   transfer_short_received  a transfer received, but less than shipped, past its due date: the missing units
--                         are an in-transit loss to resolve; cleared when receipts reach the shipped quantity
--   po_overdue            a PO with open quantity after its expected date (opened_at: the expected time)
--   delayed_receipt       an open PO whose expected date was pushed past the first promised one, until it is
--                         received, pulled back or overdue
--   unknown_reference     an sku or node named by events before (in event time) its master data exists
--   master_data           an item without cost or price; a can_ship node without lanes
--   backorder, promise_at_risk, substitution_offered   the allocator's exceptions (allocation_exceptions)
--   fulfilment_hold       an order held for a high-risk approval, until decided (fulfilment_holds)
--   anomaly               a detector anomaly on a metric x scope x day, for the 7 days after it
--   demand_above_plan     demand sensing: a series flagged run after run (demand_signals); cleared as of the
--                         origin of the first run that no longer flags it
--
-- Business clock (ledger_config.clock): an overdue episode is listed once its due time has passed by the clock;
-- one that ends at a time rather than by an event (an anomaly's 7 days, a delayed PO turning overdue) has
-- cleared once the clock is past it. Episodes opened and cleared by events are facts of the log, listed as
-- they are (the clock's watermark leaves out some event types). An episode lasts a positive time: a
-- condition that opens and clears at the same instant (simultaneous events, ordered only by arrival) is none.
-- qty / value: an open episode's current figures; a cleared one's worst (balances) or last (POs, transfers).
-- Identity: exception_id = md5(condition keys | opened_at) (a second episode of the same condition opening at
-- the same instant adds its ordinal); condition_key = md5(condition keys). The keys are those the read model
-- always used, so ids of existing exceptions do not change.
WITH cfg AS (SELECT * FROM ledger_config),
-- the episodes the refresh keeps, with the balances now (an open episode's figures)
stored AS MATERIALIZED (
  SELECT e.*, p.sellable, p.reserved, p.available, p.avg_unit_cost,
         CASE WHEN e.cleared_at IS NOT NULL THEN e.peak_qty
              ELSE CASE e.bucket WHEN 'available' THEN p.available WHEN 'sellable' THEN p.sellable
                                 WHEN 'damaged' THEN p.damaged WHEN 'quarantine' THEN p.quarantine
                                 WHEN 'repair' THEN p.repair WHEN 'returns_pending' THEN p.returns_pending
                                 WHEN 'in_transit' THEN p.in_transit_in END END::BIGINT AS qty
  FROM ledger_episodes e
  LEFT JOIN inventory_positions p ON p.sku = e.sku AND p.node_id = e.node_id
),
oversell AS (
  SELECT 'oversell' AS exception_type, 'high' AS severity, sku, node_id, opened_at, opened_seq, cleared_at,
         qty, NULL::DECIMAL(38, 2) AS value,
         CASE WHEN cleared_at IS NULL
              THEN json_object('available', available, 'sellable', sellable, 'reserved', reserved,
                               'worst_available', peak_qty, 'opened_by', opened_by,
                               'claim_order_id', order_id, 'claim_line_id', line_id)
              ELSE json_object('worst_available', peak_qty, 'opened_by', opened_by, 'cleared_by', cleared_by,
                               'claim_order_id', order_id, 'claim_line_id', line_id) END::VARCHAR AS detail
  FROM stored WHERE episode_type = 'oversell'
),
negative_stock AS (
  SELECT 'negative_stock' AS exception_type, CASE WHEN bucket = 'sellable' THEN 'high' ELSE 'medium' END AS severity,
         sku, node_id, opened_at, opened_seq, cleared_at, qty, CAST(qty * avg_unit_cost AS DECIMAL(38, 2)) AS value,
         json_object('bucket', bucket, 'qty', qty, 'worst_qty', peak_qty, 'opened_by', opened_by,
                     'cleared_by', cleared_by)::VARCHAR AS detail,
         bucket AS key_bucket
  FROM stored
  WHERE episode_type = 'negative_stock'
),
-- units waiting in the damaged bucket for a disposition (repair, write-off, vendor return)
damaged AS (
  SELECT 'damaged_stock' AS exception_type, 'low' AS severity, sku, node_id, opened_at, opened_seq, cleared_at,
         qty, CAST(qty * coalesce(avg_unit_cost, 0) AS DECIMAL(38, 2)) AS value,
         json_object('bucket', 'damaged', 'units', qty, 'most_units', peak_qty, 'cleared_by', cleared_by)::VARCHAR
           AS detail,
         'damaged' AS key_bucket
  FROM stored
  WHERE episode_type = 'damaged_stock'
),
counts AS (
  SELECT k.sku, k.node_id, s.bucket, s.occurred_at, s.seq, s.qty, s.value, s.counted_qty, s.system_qty,
         greatest(cfg.count_tolerance_units, cfg.count_tolerance_pct / 100 * abs(s.system_qty)) AS tolerance
  FROM ledger_stock s JOIN ledger_keys k USING (key_id) CROSS JOIN cfg
  WHERE s.event_type = 'cycle_count'
),
judged AS (
  SELECT *, abs(qty) > tolerance AS beyond,
         -- the next count of the bucket within tolerance: the book is confirmed again
         min(CASE WHEN abs(qty) <= tolerance THEN occurred_at END)
           OVER (PARTITION BY sku, node_id, bucket ORDER BY occurred_at, seq
                 ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS confirmed_at
  FROM counts
),
mismatch AS (
  SELECT 'inventory_mismatch' AS exception_type,
         CASE WHEN abs(j.qty) > 3 * j.tolerance THEN 'high' ELSE 'medium' END AS severity,
         j.sku, j.node_id, e.event_id, j.occurred_at AS opened_at, j.seq AS opened_seq, j.confirmed_at AS cleared_at,
         j.qty, j.value,
         json_object('bucket', j.bucket, 'counted_qty', j.counted_qty, 'ledger_qty', j.system_qty,
                     'variance', j.qty, 'value', j.value, 'tolerance', round(j.tolerance, 4))::VARCHAR AS detail,
         j.bucket AS key_bucket
  FROM judged j
  JOIN (SELECT seq, event_id FROM event_log
        WHERE type = 'cycle_count' AND seq IN (SELECT seq FROM counts)) e ON e.seq = j.seq
  WHERE j.beyond
),
transfer_moves AS (
  SELECT s.transfer_id, k.sku, k.node_id AS to_node_id, s.event_type, s.occurred_at, s.seq, s.qty, s.value,
         s.peer_node_id, coalesce(s.due_at, s.occurred_at + to_days(cfg.transfer_default_days)) AS due_at
  FROM ledger_stock s JOIN ledger_keys k USING (key_id) CROSS JOIN cfg
  WHERE s.bucket = 'in_transit' AND s.transfer_id IS NOT NULL
),
-- grain: one row per (transfer_id, sku, to_node_id) shipped: when it was due, late (from the day after the due
-- date, as POs: a date's receipts may come any time that day), when receipts began, and what arrived
transfer_totals AS MATERIALIZED (
  SELECT *, CAST(CAST(due_at AS DATE) + 1 AS TIMESTAMPTZ) AS late_at,
         greatest(CAST(CAST(due_at AS DATE) + 1 AS TIMESTAMPTZ), first_received_at) AS short_at
  FROM (
    SELECT m.transfer_id, m.sku, m.to_node_id,
           any_value(m.peer_node_id) FILTER (WHERE m.event_type = 'transfer_shipped') AS from_node_id,
           coalesce(sum(m.qty) FILTER (WHERE m.event_type = 'transfer_shipped'), 0) AS shipped_qty,
           coalesce(-sum(m.qty) FILTER (WHERE m.event_type = 'transfer_received'), 0) AS received_qty,
           count(*) FILTER (WHERE m.event_type = 'transfer_received') AS receipts,
           max(m.due_at) FILTER (WHERE m.event_type = 'transfer_shipped') AS due_at,
           min(m.occurred_at) FILTER (WHERE m.event_type = 'transfer_received') AS first_received_at,
           max(m.occurred_at) FILTER (WHERE m.event_type = 'transfer_received') AS last_received_at,
           sum(m.value) FILTER (WHERE m.event_type = 'transfer_shipped')
             / nullif(sum(m.qty) FILTER (WHERE m.event_type = 'transfer_shipped'), 0) AS unit_value
    FROM transfer_moves m
    GROUP BY m.transfer_id, m.sku, m.to_node_id
  )
  WHERE shipped_qty > 0
),
-- transfers received in several parts that add up to the shipment: when they did, and what had arrived when
-- the transfer turned short (the few that need the running sum)
transfer_parts AS (
  SELECT t.transfer_id, t.sku, t.to_node_id,
         min(r.occurred_at) FILTER (WHERE r.received_after >= t.shipped_qty) AS complete_at,
         max(r.received_after) FILTER (WHERE r.occurred_at <= t.short_at) AS received_by_short
  FROM transfer_totals t
  JOIN (SELECT transfer_id, sku, to_node_id, occurred_at,
               sum(-qty) OVER (PARTITION BY transfer_id, sku, to_node_id ORDER BY occurred_at, seq
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS received_after
        FROM transfer_moves m
        WHERE event_type = 'transfer_received'
          AND (transfer_id, sku, to_node_id) IN (SELECT (transfer_id, sku, to_node_id) FROM transfer_totals
                                                 WHERE receipts > 1 AND received_qty >= shipped_qty)) r
    ON r.transfer_id = t.transfer_id AND r.sku = t.sku AND r.to_node_id = t.to_node_id
  GROUP BY ALL
),
transfers AS (
  SELECT t.*,
         CASE WHEN t.received_qty < t.shipped_qty THEN NULL
              WHEN t.receipts = 1 THEN t.first_received_at ELSE p.complete_at END AS complete_at,
         p.received_by_short
  FROM transfer_totals t
  LEFT JOIN transfer_parts p USING (transfer_id, sku, to_node_id)
),
transfer_overdue AS (
  SELECT 'transfer_overdue' AS exception_type, 'medium' AS severity, sku, to_node_id AS node_id, transfer_id,
         due_at AS opened_at, late_at AS visible_from, first_received_at AS cleared_at, shipped_qty AS qty,
         CAST(shipped_qty * unit_value AS DECIMAL(38, 2)) AS value,
         json_object('from_node_id', from_node_id, 'shipped_qty', shipped_qty, 'received_qty', received_qty,
                     'in_transit_qty', shipped_qty - received_qty, 'due_at', due_at,
                     'first_received_at', first_received_at)::VARCHAR AS detail
  FROM transfers
  WHERE first_received_at IS NULL OR first_received_at >= late_at
),
transfer_short AS (
  SELECT 'transfer_short_received' AS exception_type, 'medium' AS severity, sku, to_node_id AS node_id,
         transfer_id, short_at AS opened_at, late_at AS visible_from, complete_at AS cleared_at, missing_qty AS qty,
         CAST(missing_qty * unit_value AS DECIMAL(38, 2)) AS value,
         json_object('from_node_id', from_node_id, 'shipped_qty', shipped_qty, 'received_qty', received_qty,
                     'missing_qty', missing_qty, 'due_at', due_at, 'first_received_at', first_received_at,
                     'last_received_at', last_received_at,
                     'reason', 'received short: the missing units are presumed lost in transit')::VARCHAR AS detail
  FROM (
    -- open: what is missing now; cleared: what was missing when it turned short
    SELECT t.*, CASE WHEN t.complete_at IS NULL OR t.complete_at > cfg.clock THEN t.shipped_qty - t.received_qty
                     ELSE t.shipped_qty - t.received_by_short END AS missing_qty
    FROM transfers t CROSS JOIN cfg
    WHERE t.first_received_at IS NOT NULL AND (t.complete_at IS NULL OR t.complete_at > t.short_at)
  )
),
-- a PO's timeline: its state (open quantity, expected time) after each event that changes it
po_points AS (
  SELECT po_id, occurred_at, seq, sum(change) AS change, max(expected) AS expected
  FROM (
    SELECT po_id, occurred_at, seq, qty AS change, NULL::TIMESTAMPTZ AS expected FROM ledger_po_movements
    UNION ALL
    SELECT po_id, occurred_at, seq, 0, expected_at FROM ledger_po_events
    WHERE event_type IN ('po_created', 'po_updated') AND expected_at IS NOT NULL
  )
  GROUP BY po_id, occurred_at, seq
),
po_header AS (
  SELECT po_id,
         arg_min(node_id, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS node_id,
         arg_min(supplier_id, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS supplier_id,
         arg_min(expected_at, (occurred_at, seq)) FILTER (WHERE event_type = 'po_created') AS promised_at,
         count(DISTINCT sku) FILTER (WHERE event_type = 'po_created') AS skus,
         sum(qty * unit_cost) FILTER (WHERE event_type = 'po_created')
           / nullif(sum(qty) FILTER (WHERE event_type = 'po_created'), 0) AS unit_cost
  FROM ledger_po_events
  GROUP BY po_id
),
-- segments [since, next_at) of constant state; overdue from the day after the expected date (dates, as always)
po_segments AS (
  SELECT t.*, h.promised_at, CAST(CAST(t.expected_at AS DATE) + 1 AS TIMESTAMPTZ) AS due
  FROM (
    SELECT po_id, occurred_at AS since, seq, sum(change) OVER w AS open_qty,
           last_value(expected IGNORE NULLS) OVER w AS expected_at,
           lead(occurred_at) OVER (PARTITION BY po_id ORDER BY occurred_at, seq) AS next_at
    FROM po_points
    WINDOW w AS (PARTITION BY po_id ORDER BY occurred_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  ) t
  JOIN po_header h USING (po_id)
  WHERE t.expected_at IS NOT NULL
),
po_parts AS (
  SELECT po_id, 'po_overdue' AS kind, since, seq, open_qty, expected_at, promised_at,
         greatest(since, due) AS from_at, next_at AS to_at, greatest(since, expected_at) AS reported_at,
         false AS ends_by_clock
  FROM po_segments
  WHERE open_qty > 0 AND (next_at IS NULL OR greatest(since, due) < next_at)
  UNION ALL
  SELECT po_id, 'delayed_receipt', since, seq, open_qty, expected_at, promised_at, since,
         CASE WHEN next_at IS NULL OR due < next_at THEN due ELSE next_at END, since,
         next_at IS NULL OR due < next_at
  FROM po_segments
  WHERE open_qty > 0 AND expected_at > promised_at AND since < due
),
-- consecutive parts that meet form one episode
po_islands AS (
  SELECT *, sum(CASE WHEN prev_to IS NOT DISTINCT FROM from_at THEN 0 ELSE 1 END)
              OVER (PARTITION BY po_id, kind ORDER BY since, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
  FROM (SELECT *, lag(to_at) OVER (PARTITION BY po_id, kind ORDER BY since, seq) AS prev_to FROM po_parts)
),
po_episodes AS MATERIALIZED (
  SELECT po_id, kind, n, arg_min(reported_at, (since, seq)) AS opened_at, arg_min(from_at, (since, seq)) AS visible_from,
         arg_max_null(to_at, (since, seq)) AS cleared_at, arg_max(ends_by_clock, (since, seq)) AS clears_by_clock,
         arg_max(open_qty, (since, seq)) AS last_open_qty,
         arg_max(expected_at, (since, seq)) AS expected_at, any_value(promised_at) AS promised_at,
         min(since) AS first_at
  FROM po_islands
  GROUP BY po_id, kind, n
),
po_open AS (
  SELECT po_id, sum(open_qty) AS open_qty, sum(open_qty * unit_cost) AS value
  FROM ledger_purchase_orders WHERE open_qty > 0 GROUP BY po_id
),
-- open (by the clock): the PO's open quantity and value now; cleared: the open quantity it cleared with
po_figures AS (
  SELECT e.*, h.node_id, h.supplier_id, h.skus,
         CASE WHEN e.cleared_at IS NULL OR e.cleared_at > cfg.clock THEN coalesce(o.open_qty, e.last_open_qty)
              ELSE e.last_open_qty END AS qty,
         CAST(CASE WHEN e.cleared_at IS NULL OR e.cleared_at > cfg.clock
                   THEN coalesce(o.value, e.last_open_qty * h.unit_cost)
                   ELSE e.last_open_qty * h.unit_cost END AS DECIMAL(38, 2)) AS value
  FROM po_episodes e
  JOIN po_header h USING (po_id)
  LEFT JOIN po_open o USING (po_id)
  CROSS JOIN cfg
),
po_overdue AS (
  SELECT 'po_overdue' AS exception_type, 'medium' AS severity, node_id, po_id, opened_at, visible_from, cleared_at,
         qty, value,
         json_object('supplier_id', supplier_id, 'expected_at', expected_at, 'open_qty', qty, 'skus', skus)::VARCHAR
           AS detail
  FROM po_figures
  WHERE kind = 'po_overdue'
),
delayed_receipt AS (
  SELECT 'delayed_receipt' AS exception_type,
         CASE WHEN date_diff('day', promised_at, expected_at) >= 7 THEN 'high' ELSE 'medium' END AS severity,
         node_id, po_id, opened_at, cleared_at, clears_by_clock, qty, value,
         json_object('supplier_id', supplier_id, 'promised_at', promised_at, 'expected_at', expected_at,
                     'slip_days', date_diff('day', promised_at, expected_at), 'open_qty', qty)::VARCHAR AS detail
  FROM po_figures
  WHERE kind = 'delayed_receipt'
),
referenced AS (
  SELECT 'sku' AS kind, sku AS id, first_occurred_at AS first_at FROM ledger_keys
  UNION ALL SELECT 'node', node_id, first_occurred_at FROM ledger_keys
  UNION ALL SELECT 'sku', sku, occurred_at FROM ledger_order_events WHERE sku IS NOT NULL
  UNION ALL SELECT 'node', node_id, occurred_at FROM ledger_order_events WHERE node_id IS NOT NULL
  UNION ALL SELECT 'sku', sku, occurred_at FROM ledger_po_events WHERE sku IS NOT NULL
  UNION ALL SELECT 'node', node_id, occurred_at FROM ledger_po_events WHERE node_id IS NOT NULL
),
-- when (in event time) master data first knew each sku and node
known AS (
  SELECT CASE type WHEN 'item_upserted' THEN 'sku' ELSE 'node' END AS kind,
         CASE type WHEN 'item_upserted' THEN payload->>'sku' ELSE payload->>'node_id' END AS id,
         min(occurred_at) AS known_at
  FROM event_log WHERE type IN ('item_upserted', 'node_upserted')
  GROUP BY ALL
),
unknown_reference AS (
  SELECT 'unknown_reference' AS exception_type, 'medium' AS severity,
         CASE WHEN r.kind = 'sku' THEN r.id END AS sku, CASE WHEN r.kind = 'node' THEN r.id END AS node_id,
         r.opened_at, k.known_at AS cleared_at,
         json_object('kind', r.kind, 'id', r.id, 'reason', 'referenced by events but never upserted')::VARCHAR AS detail,
         r.kind AS key_kind
  FROM (SELECT kind, id, min(first_at) AS opened_at FROM referenced GROUP BY kind, id) r
  LEFT JOIN known k USING (kind, id)
  WHERE k.known_at IS NULL OR r.opened_at < k.known_at
),
-- master data over time: each upsert replaces the last; an episode lasts while the current version is wanting
item_versions AS (
  SELECT payload->>'sku' AS sku, occurred_at, seq, event_id, (payload->>'unit_cost')::DOUBLE AS unit_cost,
         (payload->>'list_price')::DOUBLE AS list_price,
         coalesce((payload->>'unit_cost')::DOUBLE, 0) = 0 OR coalesce((payload->>'list_price')::DOUBLE, 0) = 0 AS holds
  FROM event_log WHERE type = 'item_upserted'
),
node_points AS (
  SELECT node_id, occurred_at, seq, event_id,
         coalesce(last_value(can_ship IGNORE NULLS) OVER w, false) AND NOT coalesce(bool_or(lane) OVER w, false) AS holds
  FROM (
    SELECT payload->>'node_id' AS node_id, occurred_at, seq, event_id, (payload->>'can_ship')::BOOLEAN AS can_ship,
           NULL::BOOLEAN AS lane
    FROM event_log WHERE type = 'node_upserted'
    UNION ALL
    SELECT payload->>'node_id', occurred_at, seq, event_id, NULL, true FROM event_log WHERE type = 'lane_upserted'
  )
  WINDOW w AS (PARTITION BY node_id ORDER BY occurred_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
master_points AS (
  SELECT 'sku' AS kind, sku AS id, occurred_at, seq, event_id, holds,
         CASE WHEN unit_cost IS NULL OR unit_cost = 0 THEN
                CASE WHEN coalesce(list_price, 0) = 0 THEN 'item without cost and price' ELSE 'item without cost' END
              ELSE 'item without price' END AS reason,
         unit_cost, list_price
  FROM item_versions
  UNION ALL
  SELECT 'node', node_id, occurred_at, seq, event_id, holds, 'can_ship node without lanes', NULL, NULL
  FROM node_points
),
master_islands AS (
  SELECT *, sum(CASE WHEN holds AND NOT coalesce(prev, false) THEN 1 ELSE 0 END)
              OVER (PARTITION BY kind, id ORDER BY occurred_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
  FROM (SELECT *, lag(holds) OVER (PARTITION BY kind, id ORDER BY occurred_at, seq) AS prev FROM master_points)
),
master_data AS (
  SELECT 'master_data' AS exception_type, 'low' AS severity,
         CASE WHEN kind = 'sku' THEN id END AS sku, CASE WHEN kind = 'node' THEN id END AS node_id,
         arg_min(event_id, (occurred_at, seq)) FILTER (WHERE holds) AS event_id,
         min(occurred_at) FILTER (WHERE holds) AS opened_at,
         min(occurred_at) FILTER (WHERE NOT holds) AS cleared_at,
         CASE WHEN kind = 'sku'
              THEN json_object('reason', arg_max(reason, (occurred_at, seq)) FILTER (WHERE holds),
                               'unit_cost', arg_max(unit_cost, (occurred_at, seq)) FILTER (WHERE holds),
                               'list_price', arg_max(list_price, (occurred_at, seq)) FILTER (WHERE holds))
              ELSE json_object('reason', 'can_ship node without lanes') END::VARCHAR AS detail
  FROM master_islands
  WHERE n > 0
  GROUP BY kind, id, n
),
allocator AS (
  SELECT a.exception_type, a.severity, a.sku, a.node_id, a.order_id, a.line_id, a.po_id, a.opened_at,
         CASE WHEN a.status = 'resolved' THEN a.resolved_at END AS cleared_at,
         coalesce((a.detail->>'late_units'), (a.detail->>'backordered_units'), (a.detail->>'units'))::BIGINT AS qty,
         json_merge_patch(a.detail, json_object('line_id', a.line_id, 'allocator_exception_id', a.exception_id))::VARCHAR
           AS detail
  FROM allocation_exceptions a
),
holds AS (
  SELECT 'fulfilment_hold' AS exception_type, 'high' AS severity, h.order_id, h.held_at AS opened_at,
         CASE WHEN h.status <> 'held' THEN h.released_at END AS cleared_at,
         json_object('request_id', h.request_id, 'reason', 'high-risk order awaiting approval',
                     'decision', CASE WHEN h.status <> 'held' THEN h.status END)::VARCHAR AS detail
  FROM fulfilment_holds h
),
-- anomalies the detector scored (docs/anomalies.md): one per metric x scope x day, open for the 7 days after it
anomaly AS (
  SELECT 'anomaly' AS exception_type, CASE WHEN a.score >= 0.9 THEN 'high' ELSE 'medium' END AS severity,
         CASE WHEN a.scope_kind = 'node' THEN a.scope_id END AS node_id,
         CAST(a.day AS TIMESTAMPTZ) AS opened_at, CAST(a.day + 8 AS TIMESTAMPTZ) AS cleared_at,
         true AS clears_by_clock,
         json_object('kind', concat_ws(':', a.metric, a.scope_kind, a.scope_id), 'metric', a.metric,
                     'scope_kind', a.scope_kind, 'scope_id', a.scope_id, 'day', a.day, 'value', a.value,
                     'expected', a.expected, 'score', a.score, 'direction', a.direction)::VARCHAR AS detail,
         concat_ws(':', a.metric, a.scope_kind, a.scope_id) AS key_kind
  FROM anomalies a
  WHERE a.is_anomaly
),
-- demand sensing (docs/forecasting.md): each run keeps the rows it flagged (demand_signals) and continues the
-- episode of a series the previous run flagged (same opened_at); the latest run's flags are open
sensing_runs AS (
  SELECT run_id, model_version, origin_date, lead(origin_date) OVER (ORDER BY run_id) AS next_origin,
         run_id = max(run_id) OVER () AS latest
  FROM forecast_runs
),
sensing AS (
  SELECT s.*, r.model_version, r.next_origin, r.latest,
         coalesce(s.opened_at, CAST(s.window_start AS TIMESTAMPTZ)) AS episode_at
  FROM demand_signals s JOIN sensing_runs r USING (run_id)
),
demand_above_plan AS (
  SELECT 'demand_above_plan' AS exception_type, severity, sku, node_id, episode_at AS opened_at,
         CASE WHEN NOT latest THEN CAST(next_origin + 1 AS TIMESTAMPTZ) END AS cleared_at,
         excess_units AS qty, CAST(revenue_at_risk AS DECIMAL(38, 2)) AS value,
         json_object('channel_id', channel_id, 'driver', driver, 'uplift_pct', uplift_pct,
                     'shortfall_units', shortfall_units, 'cover_units', cover_units, 'next_demand', next_demand,
                     'cover_days', cover_days, 'run_id', run_id, 'model_version', model_version)::VARCHAR AS detail,
         channel_id AS key_channel
  FROM sensing
  QUALIFY row_number() OVER (PARTITION BY series_kind, sku, node_id, channel_id, episode_at ORDER BY run_id DESC) = 1
),
found AS (
  SELECT * FROM oversell
  UNION ALL BY NAME SELECT * FROM negative_stock
  UNION ALL BY NAME SELECT * FROM damaged
  UNION ALL BY NAME SELECT * FROM mismatch
  UNION ALL BY NAME SELECT * FROM transfer_overdue
  UNION ALL BY NAME SELECT * FROM transfer_short
  UNION ALL BY NAME SELECT * FROM po_overdue
  UNION ALL BY NAME SELECT * FROM delayed_receipt
  UNION ALL BY NAME SELECT * FROM unknown_reference
  UNION ALL BY NAME SELECT * FROM master_data
  UNION ALL BY NAME SELECT * FROM allocator
  UNION ALL BY NAME SELECT * FROM holds
  UNION ALL BY NAME SELECT * FROM anomaly
  UNION ALL BY NAME SELECT * FROM demand_above_plan
),
-- as of the business clock: an overdue episode exists once its due time has passed; one that ends at a time
-- (not an event: the end of an anomaly's 7 days, a delayed PO turning overdue) has ended once the clock is past it
visible AS (
  SELECT f.* EXCLUDE (cleared_at, visible_from, clears_by_clock),
         CASE WHEN NOT coalesce(f.clears_by_clock, false) OR f.cleared_at <= cfg.clock THEN f.cleared_at END AS cleared_at
  FROM found f CROSS JOIN cfg
  WHERE (f.visible_from IS NULL OR f.visible_from <= cfg.clock)
    -- an episode lasts: a condition that opens and clears at one instant (simultaneous events) is none
    AND (f.cleared_at IS NULL OR f.opened_at IS NULL OR f.cleared_at > f.opened_at)
),
keyed AS (
  SELECT concat_ws('|', exception_type, coalesce(sku, ''), coalesce(node_id, ''), coalesce(po_id, ''),
                   coalesce(transfer_id, ''), coalesce(event_id, ''), coalesce(key_bucket, ''), coalesce(key_kind, ''),
                   -- order keys only for the types that have them, so ledger ids stay as they were
                   CASE WHEN order_id IS NOT NULL THEN concat(order_id, '|', coalesce(line_id, '')) END,
                   -- sku x channel series of demand sensing (a node series has its node_id)
                   CASE WHEN key_channel IS NOT NULL THEN concat('channel:', key_channel) END) AS keys,
         coalesce(strftime(opened_at, '%Y-%m-%dT%H:%M:%S.%fZ'), '') AS opened_key,
         *
  FROM visible
)
SELECT md5(concat_ws('|', keys, opened_key, CASE WHEN nth > 1 THEN nth::VARCHAR END)) AS exception_id,
       md5(keys) AS condition_key,
       exception_type, severity, sku, node_id, order_id, line_id, po_id, transfer_id, event_id, opened_at,
       cleared_at, CASE WHEN cleared_at IS NOT NULL THEN round(date_diff('second', opened_at, cleared_at) / 3600, 2)
                   END AS duration_hours,
       qty, value, detail
FROM (
  SELECT *, row_number() OVER (PARTITION BY keys, opened_key ORDER BY opened_seq NULLS LAST, cleared_at NULLS LAST,
                                                                      detail) AS nth
  FROM keyed
)
