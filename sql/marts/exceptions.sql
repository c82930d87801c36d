-- grain: one row per exception: exception_id unique (a stable hash of its type, keys and opening).
-- The contract's read model (EVENTS.md): derived from the ledger on every read, so it always agrees with it
-- and depends only on the set of events (and the business clock, ledger_config.clock). Workflow status comes
-- from exception_status (absent = open). Types:
--   oversell           available < 0 at a node (opened: when the current negative stretch began)
--   negative_stock     a bucket (or in_transit) < 0 (opened: likewise)
--   inventory_mismatch a cycle-count variance beyond tolerance: |variance| > max(count_tolerance_units,
--                      count_tolerance_pct % of the ledger quantity) (opened: the count's time)
--   transfer_overdue   units still in transit after their due time
--   po_overdue         an open purchase quantity after its expected date
--   unknown_reference  an sku or node named by ledger events but never upserted (the events are kept)
--   master_data        an item without cost or price; a can_ship node without lanes
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
found AS (
  SELECT * FROM oversell
  UNION ALL BY NAME SELECT * FROM negative_stock
  UNION ALL BY NAME SELECT * FROM mismatch
  UNION ALL BY NAME SELECT * FROM transfer_overdue
  UNION ALL BY NAME SELECT * FROM po_overdue
  UNION ALL BY NAME SELECT * FROM unknown_reference
  UNION ALL BY NAME SELECT * FROM master_data
),
identified AS (
  SELECT md5(concat_ws('|', exception_type, coalesce(sku, ''), coalesce(node_id, ''), coalesce(po_id, ''),
                       coalesce(transfer_id, ''), coalesce(event_id, ''),
                       coalesce(json_extract_string(detail, '$.bucket'), ''),
                       coalesce(json_extract_string(detail, '$.kind'), ''),
                       coalesce(strftime(opened_at, '%Y-%m-%dT%H:%M:%S.%fZ'), ''))) AS exception_id,
         *
  FROM found
),
workflow AS (
  SELECT exception_id, arg_max(status, updated_at) AS status, arg_max(note, updated_at) AS note
  FROM exception_status GROUP BY exception_id
)
SELECT i.exception_id, i.exception_type, i.severity, i.sku, i.node_id, i.order_id, i.po_id, i.transfer_id,
       i.event_id, i.opened_at, coalesce(w.status, 'open') AS status, i.detail, i.qty, i.value, w.note
FROM identified i LEFT JOIN workflow w USING (exception_id)
