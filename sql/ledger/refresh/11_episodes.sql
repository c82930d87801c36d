-- Exception episodes of the ledger's running balances (ledger_episodes, migration 0130; docs/ledger.md,
-- "exceptions"): oversell (available = sellable - reserved < 0 at a sku x node), negative_stock (a bucket, or
-- in_transit, < 0) and damaged_stock (units in the damaged bucket). An episode opens with the event after which
-- the balance meets the condition and clears with the first event after which it no longer does.
--
-- Incremental: a (sku, node) account's episodes before the earliest event whose postings are new or changed in
-- this refresh cannot change (balances depend only on earlier postings), so only the episodes from there on are
-- recomputed: from the opening of the episode in progress at that point, else from the point itself, where the
-- condition did not hold. Stock balances are stored absolute (bucket_qty); available adds the reservations
-- (the changes 08_reservations.sql stored, lx_res_changed), seeded with the sums before the restart. A full
-- refresh recomputes every account from its start through the same statements, so the results are the same.

-- grain: one row per (sku, node_id) whose episodes may change, from when: the earliest business time of its new
-- stock postings (stock_from: buckets), of those or of a changed reservation (any_from: oversell). Everything at
-- that time is recomputed (seq -1: before any event of that instant), so arrival order does not matter here.
CREATE OR REPLACE TEMP TABLE lx_ep_from AS
WITH unbuilt AS (
  SELECT NOT built AS yes FROM ledger_episode_status WHERE id = 1
),
keyed AS (
  SELECT k.sku, k.node_id, n.t, true AS stock
  FROM (SELECT key_id, min(occurred_at) AS t FROM lx_new GROUP BY key_id) n JOIN ledger_keys k USING (key_id)
  UNION ALL
  SELECT sku, node_id, occurred_at, false FROM lx_res_changed
  -- a warehouse whose ledger was built before migration 0130: every account, from its start
  UNION ALL
  SELECT sku, node_id, TIMESTAMPTZ '-infinity', true FROM ledger_keys WHERE coalesce((SELECT yes FROM unbuilt), false)
  UNION ALL
  SELECT DISTINCT sku, node_id, TIMESTAMPTZ '-infinity', false
  FROM ledger_reservations WHERE coalesce((SELECT yes FROM unbuilt), false)
)
SELECT sku, node_id,
       {'t': min(t) FILTER (WHERE stock), 's': -1::BIGINT} AS stock_from,
       {'t': min(t), 's': -1::BIGINT} AS any_from,
       bool_or(stock) AS has_stock
FROM keyed
GROUP BY sku, node_id;

-- grain: one row per series to recompute: (episode_type, sku, node_id, bucket), from `restart` on (the opening
-- of its episode still open at the changed point, or cleared at or after it; else the changed point itself).
CREATE OR REPLACE TEMP TABLE lx_ep_series AS
WITH series AS (
  SELECT f.sku, f.node_id, b.episode_type, b.bucket, b.bucket AS source_bucket, f.stock_from AS from_pos
  FROM lx_ep_from f
  CROSS JOIN (VALUES ('negative_stock', 'sellable'), ('negative_stock', 'damaged'), ('negative_stock', 'quarantine'),
                     ('negative_stock', 'repair'), ('negative_stock', 'returns_pending'),
                     ('negative_stock', 'in_transit'), ('damaged_stock', 'damaged')) b(episode_type, bucket)
  WHERE f.has_stock
  UNION ALL
  SELECT sku, node_id, 'oversell', 'available', 'sellable', any_from FROM lx_ep_from
),
restarted AS (
  SELECT s.episode_type, s.sku, s.node_id, s.bucket, s.source_bucket,
         least(s.from_pos, coalesce(min({'t': e.opened_at, 's': e.opened_seq}), s.from_pos)) AS restart
  FROM series s
  LEFT JOIN ledger_episodes e
    ON e.episode_type = s.episode_type AND e.sku = s.sku AND e.node_id = s.node_id AND e.bucket = s.bucket
   AND (e.cleared_at IS NULL OR {'t': e.cleared_at, 's': e.cleared_seq} >= s.from_pos)
  GROUP BY s.episode_type, s.sku, s.node_id, s.bucket, s.source_bucket, s.from_pos
)
SELECT *, restart.t AS restart_t, restart.s AS restart_s FROM restarted;

-- Episodes are disjoint per series, so those opened at or after the restart are exactly the ones recomputed.
DELETE FROM ledger_episodes e
USING lx_ep_series s
WHERE e.episode_type = s.episode_type AND e.sku = s.sku AND e.node_id = s.node_id AND e.bucket = s.bucket
  AND (e.opened_at > s.restart_t OR (e.opened_at = s.restart_t AND e.opened_seq >= s.restart_s));

-- grain: one row per series that may meet its condition from its restart on (the rest cannot open an episode, so
-- their points are never sorted): a bucket below zero (negative_stock) or above it (damaged_stock) at some
-- posting since the restart; for oversell, sellable below zero or any reservation ever at the account.
CREATE OR REPLACE TEMP TABLE lx_ep_active AS
WITH ranges AS (
  SELECT r.episode_type, r.sku, r.node_id, r.bucket, min(s.bucket_qty) AS lo, max(s.bucket_qty) AS hi
  FROM lx_ep_series r
  JOIN ledger_keys k ON k.sku = r.sku AND k.node_id = r.node_id
  JOIN ledger_stock s ON s.key_id = k.key_id AND s.bucket = r.source_bucket
  WHERE s.occurred_at > r.restart_t OR (s.occurred_at = r.restart_t AND s.seq >= r.restart_s)
  GROUP BY r.episode_type, r.sku, r.node_id, r.bucket
),
claimed AS (
  SELECT DISTINCT q.sku, q.node_id
  FROM ledger_reservations q SEMI JOIN lx_ep_from f ON f.sku = q.sku AND f.node_id = q.node_id
)
SELECT r.*
FROM lx_ep_series r
LEFT JOIN ranges g
  ON g.episode_type = r.episode_type AND g.sku = r.sku AND g.node_id = r.node_id AND g.bucket = r.bucket
-- (equality keys only: a constant in the join condition makes it a nested loop)
LEFT JOIN claimed c ON c.sku = r.sku AND c.node_id = r.node_id
WHERE CASE r.episode_type WHEN 'damaged_stock' THEN g.hi > 0
                          WHEN 'negative_stock' THEN g.lo < 0
                          ELSE g.lo < 0 OR c.sku IS NOT NULL END;

-- grain: one row per (series, event) from the restart on: the balance after the event, and the event's type.
CREATE OR REPLACE TEMP TABLE lx_ep_points AS
WITH stock AS (
  SELECT r.episode_type, r.sku, r.node_id, r.bucket, s.occurred_at, s.seq,
         arg_max(s.bucket_qty, s.posting_no) AS balance, any_value(s.event_type) AS event_type
  FROM lx_ep_active r
  JOIN ledger_keys k ON k.sku = r.sku AND k.node_id = r.node_id
  JOIN ledger_stock s ON s.key_id = k.key_id AND s.bucket = r.source_bucket
  WHERE s.occurred_at > r.restart_t OR (s.occurred_at = r.restart_t AND s.seq >= r.restart_s)
  GROUP BY r.episode_type, r.sku, r.node_id, r.bucket, s.occurred_at, s.seq
),
claims AS (
  SELECT r.sku, r.node_id, q.occurred_at, q.seq, sum(q.qty) AS change, any_value(q.event_type) AS event_type
  FROM lx_ep_active r
  JOIN ledger_reservations q ON q.sku = r.sku AND q.node_id = r.node_id
  WHERE r.episode_type = 'oversell'
    AND (q.occurred_at > r.restart_t OR (q.occurred_at = r.restart_t AND q.seq >= r.restart_s))
  GROUP BY r.sku, r.node_id, q.occurred_at, q.seq
),
-- oversell: sellable and reserved just before the restart (the balances the points continue from)
sellable_seed AS (
  SELECT r.sku, r.node_id, arg_max(s.bucket_qty, {'t': s.occurred_at, 's': s.seq, 'p': s.posting_no}) AS sellable
  FROM lx_ep_active r
  JOIN ledger_keys k ON k.sku = r.sku AND k.node_id = r.node_id
  JOIN ledger_stock s ON s.key_id = k.key_id AND s.bucket = 'sellable'
  WHERE r.episode_type = 'oversell'
    AND (s.occurred_at < r.restart_t OR (s.occurred_at = r.restart_t AND s.seq < r.restart_s))
  GROUP BY r.sku, r.node_id
),
reserved_seed AS (
  SELECT r.sku, r.node_id, sum(q.qty) AS reserved
  FROM lx_ep_active r
  JOIN ledger_reservations q ON q.sku = r.sku AND q.node_id = r.node_id
  WHERE r.episode_type = 'oversell'
    AND (q.occurred_at < r.restart_t OR (q.occurred_at = r.restart_t AND q.seq < r.restart_s))
  GROUP BY r.sku, r.node_id
),
-- one row per event: a shipment takes sellable and its reservation in the same event
available_events AS (
  SELECT sku, node_id, occurred_at, seq, max(sellable) AS sellable, sum(change) AS change,
         any_value(event_type) AS event_type
  FROM (
    SELECT sku, node_id, occurred_at, seq, balance AS sellable, 0 AS change, event_type
    FROM stock WHERE episode_type = 'oversell'
    UNION ALL
    SELECT sku, node_id, occurred_at, seq, NULL, change, event_type FROM claims
  )
  GROUP BY sku, node_id, occurred_at, seq
),
available AS (
  SELECT 'oversell' AS episode_type, a.sku, a.node_id, 'available' AS bucket, a.occurred_at, a.seq,
         coalesce(last_value(a.sellable IGNORE NULLS) OVER w, ss.sellable, 0)
           - (coalesce(rs.reserved, 0) + sum(a.change) OVER w) AS balance,
         a.event_type
  FROM available_events a
  LEFT JOIN sellable_seed ss ON ss.sku = a.sku AND ss.node_id = a.node_id
  LEFT JOIN reserved_seed rs ON rs.sku = a.sku AND rs.node_id = a.node_id
  WINDOW w AS (PARTITION BY a.sku, a.node_id ORDER BY a.occurred_at, a.seq
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT episode_type, sku, node_id, bucket, occurred_at, seq, balance, event_type
FROM stock WHERE episode_type <> 'oversell'
UNION ALL
SELECT episode_type, sku, node_id, bucket, occurred_at, seq, balance, event_type FROM available;

-- grain: one row per episode found from the restarts on (gaps and islands: an episode opens where the condition
-- starts to hold and clears at the next point where it stops; the state before a restart never holds it).
CREATE OR REPLACE TEMP TABLE lx_ep_found AS
WITH flagged AS (
  SELECT *, CASE WHEN episode_type = 'damaged_stock' THEN balance > 0 ELSE balance < 0 END AS holds
  FROM lx_ep_points
),
edges AS (
  SELECT *,
         holds AND NOT coalesce(lag(holds) OVER w, false) AS opens,
         NOT holds AND coalesce(lag(holds) OVER w, false) AS clears
  FROM flagged
  WINDOW w AS (PARTITION BY episode_type, sku, node_id, bucket ORDER BY occurred_at, seq)
),
numbered AS (
  SELECT *,
         sum(opens::INTEGER) OVER (PARTITION BY episode_type, sku, node_id, bucket ORDER BY occurred_at, seq
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode_no
  FROM edges
)
SELECT episode_type, sku, node_id, bucket,
       any_value(occurred_at) FILTER (WHERE opens) AS opened_at,
       any_value(seq) FILTER (WHERE opens) AS opened_seq,
       any_value(event_type) FILTER (WHERE opens) AS opened_by,
       any_value(occurred_at) FILTER (WHERE clears) AS cleared_at,
       any_value(seq) FILTER (WHERE clears) AS cleared_seq,
       any_value(event_type) FILTER (WHERE clears) AS cleared_by,
       CASE WHEN episode_type = 'damaged_stock' THEN max(balance) FILTER (WHERE holds)
            ELSE min(balance) FILTER (WHERE holds) END AS peak_qty
FROM numbered
WHERE episode_no > 0 AND (holds OR clears)
GROUP BY episode_type, sku, node_id, bucket, episode_no;

-- grain: one row per oversell episode found: the order line whose claim at the node was the most recent one
-- still reserved when the episode opened (ties within one event: the greatest order and line id, so the choice
-- depends only on the events).
CREATE OR REPLACE TEMP TABLE lx_ep_promise AS
SELECT sku, node_id, opened_at, opened_seq,
       arg_max({'order_id': order_id, 'line_id': line_id},
               {'t': last_claim.t, 's': last_claim.s, 'o': order_id, 'l': line_id}) AS promise
FROM (
  SELECT e.sku, e.node_id, e.opened_at, e.opened_seq, q.order_id, q.line_id,
         max({'t': q.occurred_at, 's': q.seq}) FILTER (WHERE q.qty > 0) AS last_claim
  FROM lx_ep_found e
  JOIN ledger_reservations q ON q.sku = e.sku AND q.node_id = e.node_id
  WHERE e.episode_type = 'oversell'
    AND (q.occurred_at < e.opened_at OR (q.occurred_at = e.opened_at AND q.seq <= e.opened_seq))
  GROUP BY e.sku, e.node_id, e.opened_at, e.opened_seq, q.order_id, q.line_id
  HAVING sum(q.qty) > 0
)
GROUP BY sku, node_id, opened_at, opened_seq;

INSERT INTO ledger_episodes BY NAME
SELECT f.episode_type, f.sku, f.node_id, f.bucket, f.opened_at, f.opened_seq, f.opened_by, f.cleared_at,
       f.cleared_seq, f.cleared_by, f.peak_qty, p.promise.order_id AS order_id, p.promise.line_id AS line_id
FROM lx_ep_found f
LEFT JOIN lx_ep_promise p
  ON f.episode_type = 'oversell' AND p.sku = f.sku AND p.node_id = f.node_id AND p.opened_at = f.opened_at
 AND p.opened_seq = f.opened_seq;

UPDATE ledger_episode_status SET built = true WHERE id = 1 AND NOT built;
