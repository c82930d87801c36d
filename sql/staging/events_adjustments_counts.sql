-- grain: one row per stock correction event (event_id unique) of types adjustment, cycle_count and
-- status_changed, typed. qty: signed units for adjustment, units moved for status_changed, NULL for
-- cycle_count (which carries counted_qty, the bucket's counted level). reason: the adjustment reason, or the
-- free-text status_changed reason (NULL when absent). status is the bucket as sent (NULL when absent), bucket
-- its contract default ('sellable') for adjustment and cycle_count; status_changed uses from_status/to_status.
SELECT
  event_id,
  seq,
  type                                               AS event_type,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  actor,
  p.node_id,
  p.sku,
  p.qty,
  p.counted_qty,
  p.reason,
  p.status,
  CASE WHEN type <> 'status_changed' THEN coalesce(p.status, 'sellable') END AS bucket,
  p.from_status,
  p.to_status
FROM (
  SELECT event_id, seq, type, occurred_at, source, actor,
         from_json(payload, '{"node_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","counted_qty":"BIGINT",
           "reason":"VARCHAR","status":"VARCHAR","from_status":"VARCHAR","to_status":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type IN ('adjustment', 'cycle_count', 'status_changed')
)
