-- grain: one row per sku named by an event accepted in ($from_seq, $to_seq]: when the first of them was
-- accepted (received_at). The origin of a publication's latency: event accepted → channel updated.
WITH window_events AS (
  SELECT seq, received_at, payload FROM event_log WHERE seq > $from_seq AND seq <= $to_seq
),
named AS (
  SELECT json_extract_string(payload, '$.sku') AS sku, received_at FROM window_events
  UNION ALL
  SELECT unnest(json_extract_string(payload, '$.lines[*].sku')) AS sku, received_at FROM window_events
)
SELECT sku, min(received_at) AS origin FROM named WHERE sku IS NOT NULL GROUP BY sku
