-- grain: one row per price_changed event (event_id unique), typed. channel_id NULL = every channel; ends_at
-- NULL when absent (a date-only value is midnight UTC). price DECIMAL(18,4). The effective price history
-- (each change until the next) is ledger_prices.
SELECT
  event_id,
  seq,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  actor,
  p.sku,
  p.channel_id,
  p.price,
  p.reason,
  CASE WHEN length(p.ends_at) = 10 THEN CAST(CAST(p.ends_at AS DATE) AS TIMESTAMPTZ)
       ELSE CAST(p.ends_at AS TIMESTAMPTZ) END       AS ends_at
FROM (
  SELECT event_id, seq, occurred_at, source, actor,
         from_json(payload, '{"sku":"VARCHAR","channel_id":"VARCHAR","price":"DECIMAL(18,4)","reason":"VARCHAR",
           "ends_at":"VARCHAR"}') AS p
  FROM stg_event_log
  WHERE type = 'price_changed'
)
