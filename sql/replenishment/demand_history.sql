-- grain: one row per (sku, node_id) that ever sold: its daily demand (POS units + units shipped to customers)
-- as a list over every day from the first to the last demand day of the warehouse (zeros where nothing sold),
-- and its unit value (the item's list price). The replay input of replenishment-sim on simulated data.
WITH demand AS (
  SELECT (payload->>'sku') AS sku, (payload->>'node_id') AS node_id, CAST(occurred_at AS DATE) AS day,
         sum(CAST((payload->>'qty') AS BIGINT)) AS qty
  FROM stg_event_log
  WHERE type IN ('pos_sale', 'shipped')
  GROUP BY ALL
),
span AS (SELECT min(day) AS first_day, max(day) AS last_day FROM demand),
series AS (SELECT DISTINCT sku, node_id FROM demand)
SELECT s.sku, s.node_id, any_value(i.list_price)::DOUBLE AS unit_value,
       list(coalesce(d.qty, 0)::DOUBLE ORDER BY g.day) AS demand
FROM series s
CROSS JOIN span
CROSS JOIN LATERAL (SELECT unnest(range(span.first_day, span.last_day + INTERVAL 1 DAY, INTERVAL 1 DAY))::DATE AS day) g
LEFT JOIN demand d ON d.sku = s.sku AND d.node_id = s.node_id AND d.day = g.day
LEFT JOIN stg_items i ON i.sku = s.sku
GROUP BY s.sku, s.node_id
ORDER BY s.sku, s.node_id
