-- grain: one row per (event_id, line_id) of po_created (the header repeated on each line), and one row per
-- po_updated / po_cancelled event (line fields NULL; a po_cancelled with a line_id names that line, without
-- one it cancels the whole PO). expected_at is a TIMESTAMPTZ (a date-only value is midnight UTC): on
-- po_created the promised date, on po_updated the new one, NULL on po_cancelled. supplier_id and node_id only
-- on po_created. unit_cost and line_value DECIMAL(18,4). Open quantities per PO line are in
-- ledger_purchase_orders.
WITH parsed AS (
  SELECT event_id, seq, type, occurred_at, source, actor,
         from_json(payload, '{"po_id":"VARCHAR","supplier_id":"VARCHAR","node_id":"VARCHAR",
           "expected_at":"VARCHAR","line_id":"VARCHAR",
           "lines":[{"line_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_cost":"DECIMAL(18,4)"}]}') AS p
  FROM stg_event_log
  WHERE type IN ('po_created', 'po_updated', 'po_cancelled')
),
rows AS (
  SELECT event_id, seq, type, occurred_at, source, actor, p, unnest(p.lines) AS line
  FROM parsed WHERE type = 'po_created'
  UNION ALL
  SELECT event_id, seq, type, occurred_at, source, actor, p,
         {'line_id': p.line_id, 'sku': NULL, 'qty': NULL, 'unit_cost': NULL}
  FROM parsed WHERE type <> 'po_created'
)
SELECT
  event_id,
  seq,
  type                                               AS event_type,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  actor,
  p.po_id,
  p.supplier_id,
  p.node_id,
  CASE WHEN length(p.expected_at) = 10 THEN CAST(CAST(p.expected_at AS DATE) AS TIMESTAMPTZ)
       ELSE CAST(p.expected_at AS TIMESTAMPTZ) END   AS expected_at,
  line.line_id,
  line.sku,
  line.qty,
  line.unit_cost,
  CAST(line.qty * line.unit_cost AS DECIMAL(18, 4))  AS line_value
FROM rows
