-- The reservation ledger (docs/ledger.md, "reservations"): `reserved` at (sku, node) is a claim on sellable
-- units per order line. Every order touched by a new event is recomputed from all of its events (orders are
-- small), so the result depends only on the set of events.

INSERT INTO ledger_order_events
SELECT seq, occurred_at, type, order_id, line_id, node_id, sku, qty
FROM lx_ev
WHERE type IN ('allocated', 'allocation_released', 'picked', 'shipped', 'order_cancelled');

CREATE OR REPLACE TEMP TABLE lx_orders AS
SELECT DISTINCT order_id FROM lx_ev
WHERE type IN ('allocated', 'allocation_released', 'shipped', 'order_cancelled');

-- grain: one row per change of a reservation of the touched orders: (seq, posting_no).
-- A reservation is per (order_id, line_id, node_id, sku): allocated adds; allocation_released and shipped
-- take min(qty, what is reserved); order_cancelled (the line, or every line) releases what is left.
-- Clamped running sums without recursion: within a stretch between cancellations, with P the running sum
-- of the signed quantities, reserved = P - min(0, min P so far) (a Lindley recursion).
CREATE OR REPLACE TEMP TABLE lx_res_new AS
WITH ev AS (
  SELECT * FROM ledger_order_events
  WHERE order_id IN (SELECT order_id FROM lx_orders) AND event_type <> 'picked'
),
claims AS (
  SELECT DISTINCT order_id, line_id, node_id, sku FROM ev WHERE event_type = 'allocated'
),
steps AS (
  SELECT c.order_id, c.line_id, c.node_id, c.sku, e.seq, e.occurred_at, e.event_type, 1 AS posting_no,
         CASE e.event_type WHEN 'allocated' THEN e.qty ELSE -e.qty END AS d, false AS reset
  FROM ev e JOIN claims c USING (order_id, line_id, node_id, sku)
  WHERE e.event_type IN ('allocated', 'allocation_released', 'shipped')
  UNION ALL
  SELECT c.order_id, c.line_id, c.node_id, c.sku, e.seq, e.occurred_at, e.event_type,
         row_number() OVER (PARTITION BY e.seq ORDER BY c.line_id, c.node_id, c.sku) AS posting_no,
         0 AS d, true AS reset
  FROM ev e JOIN claims c ON c.order_id = e.order_id AND (e.line_id IS NULL OR e.line_id = c.line_id)
  WHERE e.event_type = 'order_cancelled'
),
stretch AS (
  SELECT *,
         count(*) FILTER (WHERE reset) OVER (PARTITION BY order_id, line_id, node_id, sku ORDER BY occurred_at, seq)
           - CASE WHEN reset THEN 1 ELSE 0 END AS grp
  FROM steps
),
running AS (
  SELECT *, sum(d) OVER w AS p
  FROM stretch
  WINDOW w AS (PARTITION BY order_id, line_id, node_id, sku, grp ORDER BY occurred_at, seq)
),
clamped AS (
  SELECT *, p - least(0, min(p) OVER w) AS reserved_after
  FROM running
  WINDOW w AS (PARTITION BY order_id, line_id, node_id, sku, grp ORDER BY occurred_at, seq)
),
changes AS (
  SELECT *,
         CASE WHEN reset THEN -reserved_after
              ELSE reserved_after - coalesce(lag(reserved_after) OVER w, 0) END AS change
  FROM clamped
  WINDOW w AS (PARTITION BY order_id, line_id, node_id, sku, grp ORDER BY occurred_at, seq)
)
SELECT seq, posting_no::SMALLINT AS posting_no, occurred_at, event_type, order_id, line_id, node_id, sku,
       change::BIGINT AS qty
FROM changes
WHERE change <> 0;

-- grain: one row per (sku, node_id): the change of `reserved` (new rows minus the rows they replace)
CREATE OR REPLACE TEMP TABLE lx_reserved_delta AS
SELECT sku, node_id, sum(qty) AS reserved
FROM (
  SELECT sku, node_id, qty FROM lx_res_new
  UNION ALL
  SELECT sku, node_id, -qty FROM ledger_reservations WHERE order_id IN (SELECT order_id FROM lx_orders)
)
GROUP BY sku, node_id;

-- grain: one row per (sku, node_id) whose reservation history may change in this refresh, from when: the earliest
-- new event of the touched orders that claim there (a reservation change depends only on its order's events up
-- to it, so nothing before that time changes). 11_episodes.sql recomputes oversell episodes from there.
CREATE OR REPLACE TEMP TABLE lx_res_changed AS
WITH first_new AS (
  SELECT order_id, min(occurred_at) AS occurred_at FROM lx_ev
  WHERE type IN ('allocated', 'allocation_released', 'shipped', 'order_cancelled')
  GROUP BY order_id
),
claims AS (
  SELECT order_id, sku, node_id FROM lx_res_new
  UNION
  SELECT order_id, sku, node_id FROM ledger_reservations WHERE order_id IN (SELECT order_id FROM lx_orders)
)
SELECT c.sku, c.node_id, min(f.occurred_at) AS occurred_at
FROM claims c JOIN first_new f USING (order_id)
GROUP BY c.sku, c.node_id;

DELETE FROM ledger_reservations WHERE order_id IN (SELECT order_id FROM lx_orders);
INSERT INTO ledger_reservations BY NAME SELECT * FROM lx_res_new;
