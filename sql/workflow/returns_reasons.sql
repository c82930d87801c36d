-- grain: one row per (reason, category): returns, units received, their share of all returned units, and the
-- graded units by disposition
WITH received AS (
  SELECT (e.payload->>'return_id') AS return_id, (e.payload->>'sku') AS sku,
         coalesce((e.payload->>'reason'), 'unspecified') AS reason, (e.payload->>'qty')::BIGINT AS qty
  FROM stg_event_log e WHERE e.type = 'return_received'
),
graded AS (
  SELECT (payload->>'return_id') AS return_id, (payload->>'sku') AS sku, (payload->>'disposition') AS disposition,
         (payload->>'qty')::BIGINT AS qty
  FROM stg_event_log WHERE type = 'return_graded'
),
by_return AS (
  SELECT return_id, sku, any_value(reason) AS reason, sum(qty) AS qty FROM received GROUP BY ALL
)
SELECT r.reason, coalesce(i.category, 'unknown') AS category, count(DISTINCT r.return_id) AS returns,
       sum(r.qty) AS units, round(sum(r.qty) / sum(sum(r.qty)) OVER () * 100, 2) AS pct_of_units,
       sum((SELECT coalesce(sum(g.qty), 0) FROM graded g
            WHERE g.return_id = r.return_id AND g.sku = r.sku AND g.disposition IN ('restock', 'liquidate'))) AS resold_units,
       sum((SELECT coalesce(sum(g.qty), 0) FROM graded g
            WHERE g.return_id = r.return_id AND g.sku = r.sku AND g.disposition = 'refurbish')) AS refurbish_units,
       sum((SELECT coalesce(sum(g.qty), 0) FROM graded g
            WHERE g.return_id = r.return_id AND g.sku = r.sku
              AND g.disposition IN ('return_to_vendor', 'write_off'))) AS lost_units
FROM by_return r
LEFT JOIN stg_items i ON i.sku = r.sku
GROUP BY ALL
ORDER BY units DESC, r.reason, category
