-- grain: one row per disposition: graded units and their value at the item's cost (recovery rates are
-- applied by src/workflow/returns.ts from config/returns.json)
SELECT (e.payload->>'disposition') AS disposition, count(DISTINCT (e.payload->>'return_id')) AS returns,
       sum((e.payload->>'qty')::BIGINT) AS units,
       CAST(sum((e.payload->>'qty')::BIGINT * coalesce(i.unit_cost, 0)) AS DECIMAL(18, 2)) AS cost_value
FROM stg_event_log e
LEFT JOIN stg_items i ON i.sku = (e.payload->>'sku')
WHERE e.type = 'return_graded'
GROUP BY ALL
ORDER BY disposition
