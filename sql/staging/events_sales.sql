-- grain: one row per pos_sale event (event_id unique): a store sale, typed.
-- Money is DECIMAL(18,4) (exact; the contract allows up to 1e12), quantities BIGINT units, `day` the UTC
-- calendar day of occurred_at. The payload is parsed once per row (one from_json into a typed struct).
SELECT
  event_id,
  seq,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  p.node_id,
  p.sku,
  p.qty,
  p.unit_price,
  CAST(p.qty * p.unit_price AS DECIMAL(18, 4))       AS revenue
FROM (
  SELECT event_id, seq, occurred_at, source,
         from_json(payload, '{"node_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_price":"DECIMAL(18,4)"}') AS p
  FROM stg_event_log
  WHERE type = 'pos_sale'
)
