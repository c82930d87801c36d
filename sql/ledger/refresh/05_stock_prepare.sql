-- The valuation of the accounts of lx_work (docs/ledger.md, "valuation"), step 1 of 3: running balances and
-- cycle-count variances by windows, the costed inflows and what values them. Step 2 (06_stock_average.sql, in
-- rounds) computes the moving average, step 3 (07_stock_write.sql) the value of every posting. New postings
-- (lx_new) are not stored yet: they are computed with the rest.

-- grain: one row per account computed: where its computation starts and the state it starts from
-- (append: the state before this refresh; rebuild: nothing, at the item's master cost).
CREATE OR REPLACE TEMP TABLE lx_init AS
SELECT
  w.key_id,
  w.mode,
  CASE WHEN w.mode = 'append' THEN s.last_occurred_at END AS from_occurred_at,
  CASE WHEN w.mode = 'append' THEN s.last_seq END AS from_seq,
  CASE WHEN w.mode = 'append' THEN s.last_posting_no END AS from_posting_no,
  CASE WHEN w.mode = 'append' THEN coalesce(s.sellable, 0) ELSE 0 END AS sellable,
  CASE WHEN w.mode = 'append' THEN coalesce(s.damaged, 0) ELSE 0 END AS damaged,
  CASE WHEN w.mode = 'append' THEN coalesce(s.quarantine, 0) ELSE 0 END AS quarantine,
  CASE WHEN w.mode = 'append' THEN coalesce(s.repair, 0) ELSE 0 END AS repair,
  CASE WHEN w.mode = 'append' THEN coalesce(s.returns_pending, 0) ELSE 0 END AS returns_pending,
  CASE WHEN w.mode = 'append' THEN coalesce(s.in_transit, 0) ELSE 0 END AS in_transit,
  CASE WHEN w.mode = 'append' THEN coalesce(s.pool_qty, 0) ELSE 0 END AS pool_qty,
  CASE WHEN w.mode = 'append' AND s.key_id IS NOT NULL THEN s.avg_unit_cost
       ELSE coalesce(i.unit_cost, 0) END AS avg0
FROM lx_work w
JOIN ledger_keys k USING (key_id)
LEFT JOIN ledger_stock_state s USING (key_id)
LEFT JOIN stg_items i ON i.sku = k.sku;

-- grain: one row per posting to (re)compute: every stored posting of a rebuilt account (a continued account
-- has none after its state) and every new posting; only the columns the computation reads (windows sort what
-- they carry, and stored postings are updated in place, not copied)
CREATE OR REPLACE TEMP TABLE lx_in AS
SELECT key_id, occurred_at, seq, posting_no, event_type, bucket, costing, qty, counted_qty, system_qty,
       CASE WHEN costing = 'cost' THEN inflow_value END AS inflow_value, peer_key_id, order_id, line_id,
       false AS is_new
FROM ledger_stock
WHERE key_id IN (SELECT key_id FROM lx_init WHERE mode = 'rebuild')
UNION ALL
SELECT key_id, occurred_at, seq, posting_no, event_type, bucket, costing, qty, counted_qty, system_qty,
       inflow_value, peer_key_id, order_id, line_id, true
FROM lx_new;

-- grain: one row per cycle count of the pass: the ledger quantity of its bucket just before it. Only the
-- (account, bucket) series holding a count are windowed. A count starts a segment whose opening balance is
-- the counted quantity; the system quantity is the previous segment's opening plus its movements.
CREATE OR REPLACE TEMP TABLE lx_counts AS
WITH series AS (
  SELECT DISTINCT key_id, bucket FROM lx_in WHERE counted_qty IS NOT NULL
),
r AS (
  SELECT i.key_id, i.bucket, i.seq, i.posting_no, i.qty, i.counted_qty,
         count(i.counted_qty) OVER (PARTITION BY i.key_id, i.bucket ORDER BY i.occurred_at, i.seq, i.posting_no) AS cseg
  FROM lx_in i JOIN series s ON s.key_id = i.key_id AND s.bucket = i.bucket
),
seg AS (
  SELECT key_id, bucket, cseg,
         sum(CASE WHEN counted_qty IS NULL THEN qty ELSE 0 END) AS delta,
         max(counted_qty) AS opening
  FROM r GROUP BY key_id, bucket, cseg
)
SELECT r.key_id, r.seq, r.posting_no,
       CASE WHEN r.cseg = 1 THEN
              CASE r.bucket WHEN 'sellable' THEN i.sellable WHEN 'damaged' THEN i.damaged
                            WHEN 'quarantine' THEN i.quarantine WHEN 'repair' THEN i.repair
                            WHEN 'returns_pending' THEN i.returns_pending ELSE i.in_transit END
            ELSE prev.opening END + coalesce(prev.delta, 0) AS system_qty
FROM r
JOIN lx_init i USING (key_id)
LEFT JOIN seg prev ON prev.key_id = r.key_id AND prev.bucket = r.bucket AND prev.cseg = r.cseg - 1
WHERE r.counted_qty IS NOT NULL;

UPDATE lx_in i SET qty = i.counted_qty - c.system_qty, system_qty = c.system_qty
FROM lx_counts c
WHERE i.key_id = c.key_id AND i.seq = c.seq AND i.posting_no = c.posting_no;

-- grain: one row per referencing inflow to compute: the posting whose average values it. A transfer's
-- destination posting references the sending posting of the same event; a return with an order reference
-- references the latest shipment of that order line (same sku) before it. No shipment: valued at the average.
CREATE OR REPLACE TEMP TABLE lx_refs AS
WITH shipments AS (
  SELECT s.key_id, s.occurred_at, s.seq, s.posting_no, s.order_id, s.line_id
  FROM ledger_stock s
  WHERE s.event_type = 'shipped'
    AND s.order_id IN (SELECT order_id FROM lx_in WHERE costing = 'return')
    AND s.key_id NOT IN (SELECT key_id FROM lx_init WHERE mode = 'rebuild')
  UNION ALL
  SELECT key_id, occurred_at, seq, posting_no, order_id, line_id
  FROM lx_in WHERE event_type = 'shipped'
)
SELECT d.key_id, d.seq, d.posting_no, d.peer_key_id AS src_key, d.occurred_at AS src_t, d.seq AS src_s,
       1::SMALLINT AS src_p
FROM lx_in d
WHERE d.costing = 'transfer'
UNION ALL
SELECT r.key_id, r.seq, r.posting_no,
       arg_max(s.key_id, (s.occurred_at, s.seq, s.posting_no)),
       max({'t': s.occurred_at, 's': s.seq, 'p': s.posting_no}).t,
       max({'t': s.occurred_at, 's': s.seq, 'p': s.posting_no}).s,
       max({'t': s.occurred_at, 's': s.seq, 'p': s.posting_no}).p
FROM lx_in r
JOIN ledger_keys rk ON rk.key_id = r.key_id
JOIN shipments s
  ON s.order_id = r.order_id AND (r.line_id IS NULL OR s.line_id = r.line_id)
 AND (s.occurred_at, s.seq, s.posting_no) < (r.occurred_at, r.seq, r.posting_no)
JOIN ledger_keys sk ON sk.key_id = s.key_id AND sk.sku = rk.sku
WHERE r.costing = 'return'
GROUP BY r.key_id, r.seq, r.posting_no;

-- grain: one row per posting: balances after it, whether it is a costed inflow (it sets the average), and the
-- rank of the last costed inflow at or before it. Narrow on purpose: a window sorts every column it carries.
CREATE OR REPLACE TEMP TABLE lx_run AS
WITH flagged AS (
  SELECT q.key_id, q.occurred_at, q.seq, q.posting_no, q.is_new, q.bucket, q.qty, q.system_qty, q.costing,
         q.inflow_value,
         q.costing = 'cost' OR q.costing = 'transfer'
           OR (q.costing = 'return' AND EXISTS (SELECT 1 FROM lx_refs f
                                               WHERE f.key_id = q.key_id AND f.seq = q.seq
                                                 AND f.posting_no = q.posting_no)) AS costed
  FROM lx_in q
),
pooled AS (
  SELECT f.*,
         i.pool_qty + sum(f.qty) OVER w AS pool_after,
         count(*) FILTER (WHERE f.costed) OVER w AS crank,
         CASE f.bucket WHEN 'sellable' THEN i.sellable WHEN 'damaged' THEN i.damaged
                       WHEN 'quarantine' THEN i.quarantine WHEN 'repair' THEN i.repair
                       WHEN 'returns_pending' THEN i.returns_pending ELSE i.in_transit END AS bucket_before_all
  FROM flagged f JOIN lx_init i USING (key_id)
  WINDOW w AS (PARTITION BY f.key_id ORDER BY f.occurred_at, f.seq, f.posting_no)
)
SELECT p.* EXCLUDE (bucket_before_all),
       p.bucket_before_all
         + sum(p.qty) OVER (PARTITION BY p.key_id, p.bucket ORDER BY p.occurred_at, p.seq, p.posting_no) AS bucket_after
FROM pooled p;

-- grain: one row per referencing inflow: where its source's average comes from. A source computed in this
-- refresh (its account is in the work and the posting after where it starts) is read from the wavefront at
-- src_rank (its account's costed inflows before it); any other source is stored: its average is final.
CREATE OR REPLACE TEMP TABLE lx_ref_values AS
SELECT f.key_id, f.seq, f.posting_no, f.src_key,
       CASE WHEN i.key_id IS NOT NULL
                 AND (i.from_seq IS NULL OR (f.src_t, f.src_s, f.src_p) > (i.from_occurred_at, i.from_seq, i.from_posting_no))
            THEN (SELECT coalesce(max(c.crank), 0) FROM lx_run c
                  WHERE c.key_id = f.src_key AND (c.occurred_at, c.seq, c.posting_no) <= (f.src_t, f.src_s, f.src_p))
       END AS src_rank,
       CASE WHEN i.key_id IS NULL
                 OR (i.from_seq IS NOT NULL AND (f.src_t, f.src_s, f.src_p) <= (i.from_occurred_at, i.from_seq, i.from_posting_no))
            THEN (SELECT s.avg_unit_cost FROM ledger_stock s
                  WHERE s.key_id = f.src_key AND s.seq = f.src_s AND s.posting_no = f.src_p)
       END AS src_avg
FROM lx_refs f LEFT JOIN lx_init i ON i.key_id = f.src_key;

-- grain: one row per costed inflow (k = 1..n per account); inflow_value is NULL until its source's average
-- is known (a referenced source computed in this refresh)
CREATE OR REPLACE TEMP TABLE lx_costed AS
SELECT r.key_id, r.crank AS k, r.qty, r.pool_after - r.qty AS pool_before, r.pool_after,
       CASE WHEN r.costing = 'cost' THEN r.inflow_value
            WHEN v.src_avg IS NOT NULL THEN CAST(r.qty * v.src_avg AS DECIMAL(38, 2)) END AS inflow_value,
       v.src_key, v.src_rank
FROM lx_run r
LEFT JOIN lx_ref_values v ON v.key_id = r.key_id AND v.seq = r.seq AND v.posting_no = r.posting_no
WHERE r.costed;

-- grain: one row per (account, rank) whose average is known: rank 0 is the opening average
CREATE OR REPLACE TEMP TABLE lx_avg AS
SELECT key_id, 0::BIGINT AS k, avg0 AS avg_after FROM lx_init;

-- grain: one row per account: how far its average is computed
CREATE OR REPLACE TEMP TABLE lx_progress AS
SELECT key_id, 0::BIGINT AS done_k, avg0 AS avg_after,
       (SELECT coalesce(max(c.k), 0) FROM lx_costed c WHERE c.key_id = i.key_id) AS last_k
FROM lx_init i;
