-- One round of the dependency closure (docs/ledger.md, "valuation"): an inflow valued by reference to another
-- account's posting (a transfer at the sender's average, a return at the cost its order line shipped at)
-- changes when that posting is recomputed. Accounts holding such inflows after the point their source is
-- recomputed from join the work as rebuilds. Run until a round adds nothing (references point strictly
-- backwards in ledger order, so this ends).

-- grain: one row per work account: the position it is recomputed from (NULL: from its first posting)
CREATE OR REPLACE TEMP TABLE lx_from AS
SELECT w.key_id, w.mode,
       CASE WHEN w.mode = 'append' THEN s.last_occurred_at END AS from_t,
       CASE WHEN w.mode = 'append' THEN s.last_seq END AS from_s,
       CASE WHEN w.mode = 'append' THEN s.last_posting_no END AS from_p
FROM lx_work w LEFT JOIN ledger_stock_state s USING (key_id);

-- grain: one row per shipment posting that is new or recomputed (what returns after it are valued at)
CREATE OR REPLACE TEMP TABLE lx_moved_shipments AS
SELECT k.sku, s.occurred_at, s.seq, s.posting_no, s.order_id, s.line_id
FROM ledger_stock s
JOIN lx_from f ON f.key_id = s.key_id
JOIN ledger_keys k ON k.key_id = s.key_id
WHERE s.event_type = 'shipped'
  AND (f.from_s IS NULL OR (s.occurred_at, s.seq, s.posting_no) > (f.from_t, f.from_s, f.from_p))
UNION ALL
SELECT k.sku, n.occurred_at, n.seq, n.posting_no, n.order_id, n.line_id
FROM lx_new n JOIN ledger_keys k USING (key_id)
WHERE n.event_type = 'shipped';

-- grain: one row per account with a referencing inflow whose source is recomputed: the earliest such inflow
CREATE OR REPLACE TEMP TABLE lx_dependents AS
SELECT key_id, min(pos) AS pos
FROM (
  -- transfers: the destination posting of an event whose sending posting is recomputed
  SELECT d.key_id, {'t': d.occurred_at, 's': d.seq, 'p': d.posting_no} AS pos
  FROM ledger_stock d
  JOIN lx_from f ON f.key_id = d.peer_key_id
  WHERE d.costing = 'transfer'
    AND (f.from_s IS NULL OR (d.occurred_at, d.seq, 1::SMALLINT) > (f.from_t, f.from_s, f.from_p))
  UNION ALL
  -- returns: a return after a shipment of its order line that is recomputed or new
  SELECT r.key_id, {'t': r.occurred_at, 's': r.seq, 'p': r.posting_no}
  FROM ledger_stock r
  JOIN ledger_keys rk ON rk.key_id = r.key_id
  JOIN lx_moved_shipments s
    ON s.order_id = r.order_id AND (r.line_id IS NULL OR s.line_id = r.line_id) AND s.sku = rk.sku
   AND (s.occurred_at, s.seq, s.posting_no) < (r.occurred_at, r.seq, r.posting_no)
  WHERE r.costing = 'return' AND r.order_id IN (SELECT order_id FROM lx_moved_shipments)
)
GROUP BY key_id;

-- grain: one row per account to add, or to widen from append to rebuild
CREATE OR REPLACE TEMP TABLE lx_closure AS
SELECT d.key_id
FROM lx_dependents d LEFT JOIN lx_from f USING (key_id)
WHERE f.key_id IS NULL
   OR (f.from_s IS NOT NULL AND d.pos <= {'t': f.from_t, 's': f.from_s, 'p': f.from_p});

UPDATE lx_work SET mode = 'rebuild' WHERE key_id IN (SELECT key_id FROM lx_closure);
INSERT INTO lx_work
SELECT key_id, 'rebuild' FROM lx_closure WHERE key_id NOT IN (SELECT key_id FROM lx_work);
