-- The purchase ledger (docs/ledger.md, "on order"): open quantity per (po_id, sku) at the PO's node. Every
-- PO touched by a new event is recomputed from all of its events.

INSERT INTO ledger_po_events BY NAME
SELECT seq, occurred_at, type AS event_type, po_id, l.line_id, l.sku, l.qty, l.unit_cost, node_id, supplier_id,
       expected_at
FROM (
  SELECT *, unnest(from_json(lines, '[{"line_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_cost":"DOUBLE"}]')) AS l
  FROM lx_ev WHERE type = 'po_created'
)
UNION ALL BY NAME
SELECT seq, occurred_at, type AS event_type, po_id, sku, qty, unit_cost, node_id
FROM lx_ev WHERE type = 'receipt' AND po_id IS NOT NULL
UNION ALL BY NAME
SELECT seq, occurred_at, type AS event_type, po_id, expected_at
FROM lx_ev WHERE type = 'po_updated'
UNION ALL BY NAME
SELECT seq, occurred_at, type AS event_type, po_id, line_id
FROM lx_ev WHERE type = 'po_cancelled';

CREATE OR REPLACE TEMP TABLE lx_pos AS
SELECT DISTINCT po_id FROM lx_ev
WHERE type IN ('po_created', 'po_cancelled', 'receipt') AND po_id IS NOT NULL;

-- grain: one row per change of an open purchase quantity of the touched POs: (seq, posting_no).
-- po_created lines add; a receipt with the po_id takes min(qty, open) of (po_id, its sku); po_cancelled with
-- a line_id takes min(line qty, open) of that line's sku, without one it closes every open quantity of the PO.
-- On order sits at the node of the PO's first po_created. Clamped running sums as for reservations.
CREATE OR REPLACE TEMP TABLE lx_po_new AS
WITH ev AS (
  SELECT * FROM ledger_po_events
  WHERE po_id IN (SELECT po_id FROM lx_pos) AND event_type <> 'po_updated'
),
header AS (
  SELECT po_id, arg_min(node_id, (occurred_at, seq)) AS node_id
  FROM ev WHERE event_type = 'po_created' GROUP BY po_id
),
po_lines AS (
  SELECT po_id, line_id, arg_max(sku, (occurred_at, seq)) AS sku, arg_max(qty, (occurred_at, seq)) AS qty
  FROM ev WHERE event_type = 'po_created' GROUP BY po_id, line_id
),
pools AS (
  SELECT DISTINCT po_id, sku FROM ev WHERE event_type = 'po_created'
),
steps AS (
  SELECT po_id, sku, seq, occurred_at, event_type,
         row_number() OVER (PARTITION BY seq ORDER BY line_id) AS posting_no, qty AS d, false AS reset
  FROM ev WHERE event_type = 'po_created'
  UNION ALL
  SELECT e.po_id, e.sku, e.seq, e.occurred_at, e.event_type, 1, -e.qty, false
  FROM ev e JOIN pools p USING (po_id, sku)
  WHERE e.event_type = 'receipt'
  UNION ALL
  SELECT e.po_id, l.sku, e.seq, e.occurred_at, e.event_type, 1, -l.qty, false
  FROM ev e JOIN po_lines l USING (po_id, line_id)
  WHERE e.event_type = 'po_cancelled' AND e.line_id IS NOT NULL
  UNION ALL
  SELECT e.po_id, p.sku, e.seq, e.occurred_at, e.event_type,
         row_number() OVER (PARTITION BY e.seq ORDER BY p.sku), 0, true
  FROM ev e JOIN pools p USING (po_id)
  WHERE e.event_type = 'po_cancelled' AND e.line_id IS NULL
),
stretch AS (
  SELECT *,
         count(*) FILTER (WHERE reset) OVER (PARTITION BY po_id, sku ORDER BY occurred_at, seq, posting_no)
           - CASE WHEN reset THEN 1 ELSE 0 END AS grp
  FROM steps
),
running AS (
  SELECT *, sum(d) OVER w AS p
  FROM stretch
  WINDOW w AS (PARTITION BY po_id, sku, grp ORDER BY occurred_at, seq, posting_no)
),
clamped AS (
  SELECT *, p - least(0, min(p) OVER w) AS open_after
  FROM running
  WINDOW w AS (PARTITION BY po_id, sku, grp ORDER BY occurred_at, seq, posting_no)
),
changes AS (
  SELECT *,
         CASE WHEN reset THEN -open_after
              ELSE open_after - coalesce(lag(open_after) OVER w, 0) END AS change
  FROM clamped
  WINDOW w AS (PARTITION BY po_id, sku, grp ORDER BY occurred_at, seq, posting_no)
)
SELECT c.seq, c.posting_no::SMALLINT AS posting_no, c.occurred_at, c.event_type, c.po_id, c.sku, h.node_id,
       c.change::BIGINT AS qty
FROM changes c JOIN header h USING (po_id)
WHERE c.change <> 0;

-- grain: one row per (sku, node_id): the change of `on_order`
CREATE OR REPLACE TEMP TABLE lx_on_order_delta AS
SELECT sku, node_id, sum(qty) AS on_order
FROM (
  SELECT sku, node_id, qty FROM lx_po_new
  UNION ALL
  SELECT sku, node_id, -qty FROM ledger_po_movements WHERE po_id IN (SELECT po_id FROM lx_pos)
)
GROUP BY sku, node_id;

DELETE FROM ledger_po_movements WHERE po_id IN (SELECT po_id FROM lx_pos);
INSERT INTO ledger_po_movements BY NAME SELECT * FROM lx_po_new;
