-- grain: one row per (event_id, line_id) of every order_placed event: the order header repeated on each of
-- its lines, typed. Every order_placed is listed (a re-placed order shows each version; ledger_order_lines
-- keeps only the latest). promised_by is a TIMESTAMPTZ (a date-only value is midnight UTC), NULL when absent;
-- pickup_node_id is NULL unless service_level = 'pickup'. Money DECIMAL(18,4), quantities BIGINT.
SELECT
  event_id,
  seq,
  occurred_at,
  CAST(occurred_at AS DATE)                          AS day,
  source,
  p.order_id,
  p.channel_id,
  p.ship_to_region,
  p.service_level,
  CASE WHEN length(p.promised_by) = 10 THEN CAST(CAST(p.promised_by AS DATE) AS TIMESTAMPTZ)
       ELSE CAST(p.promised_by AS TIMESTAMPTZ) END   AS promised_by,
  p.pickup_node_id,
  line.line_id,
  line.sku,
  line.qty,
  line.unit_price,
  CAST(line.qty * line.unit_price AS DECIMAL(18, 4)) AS line_value
FROM (
  SELECT event_id, seq, occurred_at, source, p, unnest(p.lines) AS line
  FROM (
    SELECT event_id, seq, occurred_at, source,
           from_json(payload, '{"order_id":"VARCHAR","channel_id":"VARCHAR","ship_to_region":"VARCHAR",
             "service_level":"VARCHAR","promised_by":"VARCHAR","pickup_node_id":"VARCHAR",
             "lines":[{"line_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_price":"DECIMAL(18,4)"}]}') AS p
    FROM stg_event_log
    WHERE type = 'order_placed'
  )
)
