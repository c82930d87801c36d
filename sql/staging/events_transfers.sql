-- grain: one row per transfer event (event_id unique) of types transfer_shipped and transfer_received, typed.
-- from_node_id and expected_at only on transfer_shipped (expected_at NULL when absent; a date-only value is
-- midnight UTC); status only on transfer_received (NULL when absent), bucket its contract default
-- ('sellable'; NULL on shipments). In-transit balances per transfer are in ledger_transfers.
SELECT
  event_id,
  seq,
  type                                               AS event_type,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  p.transfer_id,
  p.from_node_id,
  p.to_node_id,
  p.sku,
  p.qty,
  CASE WHEN length(p.expected_at) = 10 THEN CAST(CAST(p.expected_at AS DATE) AS TIMESTAMPTZ)
       ELSE CAST(p.expected_at AS TIMESTAMPTZ) END   AS expected_at,
  p.status,
  CASE WHEN type = 'transfer_received' THEN coalesce(p.status, 'sellable') END AS bucket
FROM (
  SELECT event_id, seq, type, occurred_at, source,
         from_json(payload, '{"transfer_id":"VARCHAR","from_node_id":"VARCHAR","to_node_id":"VARCHAR",
           "sku":"VARCHAR","qty":"BIGINT","expected_at":"VARCHAR","status":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type IN ('transfer_shipped', 'transfer_received')
)
