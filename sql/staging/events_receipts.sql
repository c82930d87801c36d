-- grain: one row per receipt event (event_id unique), typed. status is the bucket as sent (NULL when absent);
-- bucket applies the contract default ('sellable'). po_id is NULL for a receipt without a purchase order.
-- unit_cost and value (qty x unit_cost) are DECIMAL(18,4).
SELECT
  event_id,
  seq,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  p.node_id,
  p.sku,
  p.qty,
  p.unit_cost,
  CAST(p.qty * p.unit_cost AS DECIMAL(18, 4))        AS value,
  p.po_id,
  p.status,
  coalesce(p.status, 'sellable')                     AS bucket
FROM (
  SELECT event_id, seq, occurred_at, source,
         from_json(payload, '{"node_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_cost":"DECIMAL(18,4)",
           "po_id":"VARCHAR","status":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type = 'receipt'
)
