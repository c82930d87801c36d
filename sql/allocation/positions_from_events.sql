-- FALLBACK, to delete once every warehouse has the ledger (issue 4): the positions of the skus in $skus
-- (a JSON array of text) computed straight from event_log, for a warehouse without `inventory_positions`.
-- grain: one row per (sku, node_id) with sellable units or reservations.
-- sellable: receipts, transfers received and adjustments into `sellable`; status changes from/to it;
-- restocked or liquidated returns; minus transfers shipped, POS sales and shipments. A cycle count of the
-- sellable bucket sets it to counted_qty as of its business time (later movements add to that).
-- reserved: the sum of the claims' reservations (temp.alloc_claims, claims.sql).
-- Ledger order: occurred_at, then seq. Not covered (the ledger does it): valuation, other buckets.
WITH wanted AS (
  SELECT unnest(from_json($skus::JSON, '["VARCHAR"]')) AS sku
),
ev AS (
  SELECT seq, occurred_at, type, payload
  FROM stg_event_log
  WHERE (payload->>'sku') IN (SELECT sku FROM wanted)
    AND type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment', 'status_changed',
                 'shipped', 'return_graded', 'cycle_count')
),
moves AS (
  SELECT seq, occurred_at, payload->>'sku' AS sku,
         CASE type WHEN 'transfer_shipped' THEN payload->>'from_node_id'
                   WHEN 'transfer_received' THEN payload->>'to_node_id'
                   ELSE payload->>'node_id' END AS node_id,
         CASE
           WHEN type IN ('receipt', 'transfer_received', 'adjustment')
             THEN CASE WHEN coalesce(payload->>'status', 'sellable') = 'sellable' THEN (payload->>'qty')::BIGINT ELSE 0 END
           WHEN type IN ('transfer_shipped', 'pos_sale', 'shipped') THEN -(payload->>'qty')::BIGINT
           WHEN type = 'status_changed'
             THEN CASE WHEN (payload->>'to_status') = 'sellable' THEN (payload->>'qty')::BIGINT ELSE 0 END
                - CASE WHEN (payload->>'from_status') = 'sellable' THEN (payload->>'qty')::BIGINT ELSE 0 END
           WHEN type = 'return_graded'
             THEN CASE WHEN (payload->>'disposition') IN ('restock', 'liquidate') THEN (payload->>'qty')::BIGINT ELSE 0 END
           ELSE 0
         END AS qty,
         CASE WHEN type = 'cycle_count' AND coalesce(payload->>'status', 'sellable') = 'sellable'
              THEN (payload->>'counted_qty')::BIGINT END AS counted
  FROM ev
),
last_count AS (
  SELECT sku, node_id, arg_max(counted, (occurred_at, seq)) AS counted, max((occurred_at, seq)) AS at
  FROM moves WHERE counted IS NOT NULL
  GROUP BY sku, node_id
),
sellable AS (
  SELECT m.sku, m.node_id,
         coalesce(any_value(c.counted), 0)
           + coalesce(sum(m.qty) FILTER (WHERE c.at IS NULL OR (m.occurred_at, m.seq) > c.at), 0) AS sellable
  FROM moves m LEFT JOIN last_count c USING (sku, node_id)
  GROUP BY m.sku, m.node_id
),
reserved AS (
  SELECT sku, node_id, sum(reserved) AS reserved
  FROM temp.alloc_claims
  WHERE sku IN (SELECT sku FROM wanted)
  GROUP BY sku, node_id
)
SELECT coalesce(s.sku, r.sku) AS sku, coalesce(s.node_id, r.node_id) AS node_id,
       coalesce(s.sellable, 0)::BIGINT AS sellable, coalesce(r.reserved, 0)::BIGINT AS reserved
FROM sellable s FULL JOIN reserved r USING (sku, node_id)
ORDER BY sku, node_id
