-- grain: one row per stock posting of the new events: (seq, posting_no). The stateless part of the stock
-- ledger (docs/ledger.md, "movements per event type"): which bucket of which (sku, node) moves, against which
-- counter-account, and how the posting is costed. A cycle count's qty (its variance) is computed later.
-- New (sku, node) accounts get the next key ids; known ones learn an earlier first business time.
CREATE OR REPLACE TEMP TABLE lx_touched AS
SELECT sku, node_id, min(occurred_at) AS first_occurred_at
FROM (
  SELECT sku, node_id, occurred_at FROM lx_ev
  WHERE type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'cycle_count', 'shipped', 'return_received',
                 'return_graded')
  UNION ALL SELECT sku, from_node_id, occurred_at FROM lx_ev WHERE type = 'transfer_shipped'
  UNION ALL SELECT sku, to_node_id, occurred_at FROM lx_ev WHERE type IN ('transfer_shipped', 'transfer_received')
)
GROUP BY sku, node_id;

INSERT INTO ledger_keys
SELECT (SELECT coalesce(max(key_id), 0) FROM ledger_keys) + row_number() OVER (ORDER BY sku, node_id),
       sku, node_id, first_occurred_at
FROM lx_touched n
WHERE NOT EXISTS (SELECT 1 FROM ledger_keys k WHERE k.sku = n.sku AND k.node_id = n.node_id);

UPDATE ledger_keys k SET first_occurred_at = n.first_occurred_at
FROM lx_touched n
WHERE k.sku = n.sku AND k.node_id = n.node_id AND n.first_occurred_at < k.first_occurred_at;

-- grain: one row per stock posting of the new events, with every column of ledger_stock (computed ones empty)
CREATE OR REPLACE TEMP TABLE lx_new AS
WITH postings AS (
  SELECT
    e.*,
    unnest(CASE e.type
      WHEN 'receipt' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': coalesce(e.status, 'sellable'), 'counter': 'supplier', 'costing': 'cost', 'sign': 1, 'peer': NULL}]
      WHEN 'transfer_shipped' THEN [
        {'node': e.from_node_id, 'no': 1, 'bucket': 'sellable', 'counter': 'internal', 'costing': 'avg', 'sign': -1,
         'peer': e.to_node_id},
        {'node': e.to_node_id, 'no': 2, 'bucket': 'in_transit', 'counter': 'internal', 'costing': 'transfer', 'sign': 1,
         'peer': e.from_node_id}]
      WHEN 'transfer_received' THEN [
        {'node': e.to_node_id, 'no': 1, 'bucket': 'in_transit', 'counter': 'internal', 'costing': 'pair', 'sign': -1, 'peer': NULL},
        {'node': e.to_node_id, 'no': 2, 'bucket': coalesce(e.status, 'sellable'), 'counter': 'internal', 'costing': 'pair', 'sign': 1, 'peer': NULL}]
      WHEN 'pos_sale' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': 'sellable', 'counter': 'customer', 'costing': 'avg', 'sign': -1, 'peer': NULL}]
      WHEN 'adjustment' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': coalesce(e.status, 'sellable'),
         'counter': CASE e.reason WHEN 'shrink' THEN 'shrink' WHEN 'found' THEN 'shrink'
                                  WHEN 'damage' THEN 'write_off' WHEN 'expired' THEN 'write_off' ELSE 'adjustment' END,
         'costing': 'avg', 'sign': 1, 'peer': NULL}]
      WHEN 'status_changed' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': e.from_status, 'counter': 'internal', 'costing': 'pair', 'sign': -1, 'peer': NULL},
        {'node': e.node_id, 'no': 2, 'bucket': e.to_status, 'counter': 'internal', 'costing': 'pair', 'sign': 1, 'peer': NULL}]
      WHEN 'cycle_count' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': coalesce(e.status, 'sellable'), 'counter': 'count_variance', 'costing': 'avg', 'sign': 0, 'peer': NULL}]
      WHEN 'shipped' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': 'sellable', 'counter': 'customer', 'costing': 'avg', 'sign': -1, 'peer': NULL}]
      WHEN 'return_received' THEN [
        {'node': e.node_id, 'no': 1, 'bucket': 'returns_pending', 'counter': 'customer',
         'costing': CASE WHEN e.order_id IS NULL THEN 'avg' ELSE 'return' END, 'sign': 1, 'peer': NULL}]
      WHEN 'return_graded' THEN CASE WHEN e.disposition IN ('restock', 'refurbish', 'liquidate') THEN [
        {'node': e.node_id, 'no': 1, 'bucket': 'returns_pending', 'counter': 'internal', 'costing': 'pair', 'sign': -1, 'peer': NULL},
        {'node': e.node_id, 'no': 2, 'bucket': CASE e.disposition WHEN 'refurbish' THEN 'repair' ELSE 'sellable' END,
         'counter': 'internal', 'costing': 'pair', 'sign': 1, 'peer': NULL}]
        ELSE [
        {'node': e.node_id, 'no': 1, 'bucket': 'returns_pending',
         'counter': CASE e.disposition WHEN 'return_to_vendor' THEN 'vendor_return' ELSE 'write_off' END,
         'costing': 'avg', 'sign': -1, 'peer': NULL}] END
    END) AS p
  FROM lx_ev e
  WHERE e.type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment', 'status_changed',
                   'cycle_count', 'shipped', 'return_received', 'return_graded')
)
SELECT
  k.key_id,
  e.occurred_at,
  e.seq,
  e.p.no::SMALLINT AS posting_no,
  e.type AS event_type,
  e.p.bucket,
  e.p.counter,
  e.p.costing,
  coalesce(e.p.sign * e.qty, 0)::BIGINT AS qty,
  e.counted_qty,
  NULL::BIGINT AS system_qty,
  CASE WHEN e.type = 'receipt' THEN e.unit_cost END AS unit_cost,
  CASE WHEN e.type = 'receipt' THEN CAST(e.qty * e.unit_cost AS DECIMAL(38, 2)) END AS inflow_value,
  0::DECIMAL(38, 2) AS value,
  0::DECIMAL(38, 2) AS variance_value,
  NULL::DOUBLE AS avg_unit_cost,
  0::BIGINT AS bucket_qty,
  0::BIGINT AS pool_qty,
  CASE e.type WHEN 'transfer_shipped' THEN CASE e.p.no WHEN 1 THEN 'transfer_out' ELSE 'transfer_in' END
              WHEN 'return_graded' THEN e.disposition
              WHEN 'adjustment' THEN e.reason WHEN 'status_changed' THEN e.reason WHEN 'return_received' THEN e.reason
  END AS reason,
  e.order_id,
  e.line_id,
  e.transfer_id,
  e.po_id,
  e.return_id,
  e.p.peer AS peer_node_id,
  pk.key_id AS peer_key_id,
  CASE WHEN e.type = 'transfer_shipped' AND e.p.no = 2 THEN e.expected_at END AS due_at,
  e.unit_price
FROM postings e
JOIN ledger_keys k ON k.sku = e.sku AND k.node_id = e.p.node
LEFT JOIN ledger_keys pk ON pk.sku = e.sku AND pk.node_id = e.p.peer;
