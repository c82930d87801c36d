-- The valuation of the accounts of lx_work, step 3 of 3: the value of every posting, and the accounts' new
-- state, written to ledger_stock (stored postings updated, new ones inserted) and ledger_stock_state.

-- grain: one row per posting, valued. The account's value after a posting is its units at its average, to the
-- cent; a posting's value is the change of that (a same-account pair moves no value). What the counter-account
-- books is the inflow value (costed inflows) or units x the average before (everything else); the difference,
-- rounding or the revaluation of an oversold pool, is variance_value (booked to cost_variance).
CREATE OR REPLACE TEMP TABLE lx_valued AS
WITH v AS (
  SELECT r.key_id, r.seq, r.posting_no, r.is_new, r.qty, r.system_qty, r.costing, r.costed, r.pool_after,
         r.bucket_after,
         CASE WHEN r.costed THEN c.inflow_value ELSE r.inflow_value END AS inflow_value,
         coalesce(a.avg_after, i.avg0) AS avg_after,
         CASE WHEN r.costed THEN coalesce(b.avg_after, i.avg0) ELSE coalesce(a.avg_after, i.avg0) END AS avg_before
  FROM lx_run r
  JOIN lx_init i ON i.key_id = r.key_id
  LEFT JOIN lx_avg a ON a.key_id = r.key_id AND a.k = r.crank
  LEFT JOIN lx_avg b ON b.key_id = r.key_id AND b.k = r.crank - 1
  LEFT JOIN lx_costed c ON c.key_id = r.key_id AND c.k = r.crank
),
w AS (
  SELECT v.*,
         CASE WHEN costing = 'pair' THEN 0::DECIMAL(38, 2)
              ELSE CAST(avg_after * pool_after AS DECIMAL(38, 2))
                   - CAST(avg_before * (pool_after - qty) AS DECIMAL(38, 2)) END AS value,
         CASE WHEN costing = 'pair' THEN 0::DECIMAL(38, 2)
              WHEN costed THEN inflow_value
              ELSE CAST(qty * avg_before AS DECIMAL(38, 2)) END AS booked
  FROM v
)
SELECT key_id, seq, posting_no, is_new, qty, system_qty, CASE WHEN costed THEN inflow_value END AS inflow_value,
       value,
       value - booked AS variance_value, avg_after AS avg_unit_cost, bucket_after AS bucket_qty,
       pool_after AS pool_qty
FROM w;

-- Stored postings of rebuilt accounts are updated in place; new postings come in.
UPDATE ledger_stock t
SET qty = v.qty, system_qty = v.system_qty, inflow_value = v.inflow_value, value = v.value,
    variance_value = v.variance_value, avg_unit_cost = v.avg_unit_cost, bucket_qty = v.bucket_qty,
    pool_qty = v.pool_qty
FROM lx_valued v
WHERE NOT v.is_new AND t.key_id = v.key_id AND t.seq = v.seq AND t.posting_no = v.posting_no;

INSERT INTO ledger_stock BY NAME
SELECT q.key_id, q.occurred_at, q.seq, q.posting_no, q.event_type, q.bucket, q.counter, q.costing, v.qty,
       q.counted_qty, v.system_qty, q.unit_cost, v.inflow_value, v.value, v.variance_value, v.avg_unit_cost,
       v.bucket_qty, v.pool_qty, q.reason, q.order_id, q.line_id, q.transfer_id, q.po_id, q.return_id,
       q.peer_node_id, q.peer_key_id, q.due_at, q.unit_price
FROM lx_new q
JOIN lx_valued v ON v.key_id = q.key_id AND v.seq = q.seq AND v.posting_no = q.posting_no;

DELETE FROM ledger_stock_state WHERE key_id IN (SELECT key_id FROM lx_init);

INSERT INTO ledger_stock_state BY NAME
SELECT
  key_id,
  last_pos.t AS last_occurred_at,
  last_pos.s AS last_seq,
  last_pos.p AS last_posting_no,
  sellable, damaged, quarantine, repair, returns_pending, in_transit, pool_qty, avg_unit_cost,
  CAST(avg_unit_cost * pool_qty AS DECIMAL(38, 2)) AS pool_value
FROM (
  SELECT
    o.key_id,
    max({'t': o.occurred_at, 's': o.seq, 'p': o.posting_no}) AS last_pos,
    any_value(i.sellable) + coalesce(sum(o.qty) FILTER (WHERE o.bucket = 'sellable'), 0) AS sellable,
    any_value(i.damaged) + coalesce(sum(o.qty) FILTER (WHERE o.bucket = 'damaged'), 0) AS damaged,
    any_value(i.quarantine) + coalesce(sum(o.qty) FILTER (WHERE o.bucket = 'quarantine'), 0) AS quarantine,
    any_value(i.repair) + coalesce(sum(o.qty) FILTER (WHERE o.bucket = 'repair'), 0) AS repair,
    any_value(i.returns_pending) + coalesce(sum(o.qty) FILTER (WHERE o.bucket = 'returns_pending'), 0)
      AS returns_pending,
    any_value(i.in_transit) + coalesce(sum(o.qty) FILTER (WHERE o.bucket = 'in_transit'), 0) AS in_transit,
    any_value(i.pool_qty) + sum(o.qty) AS pool_qty,
    arg_max(o.avg_unit_cost, {'t': o.occurred_at, 's': o.seq, 'p': o.posting_no}) AS avg_unit_cost
  FROM (
    SELECT r.key_id, r.occurred_at, r.seq, r.posting_no, r.bucket, r.qty, v.avg_unit_cost
    FROM lx_run r JOIN lx_valued v USING (key_id, seq, posting_no)
  ) o JOIN lx_init i USING (key_id)
  GROUP BY o.key_id
);
