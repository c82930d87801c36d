-- grain: one row per item category
SELECT coalesce(category, 'uncategorised') AS category, count(*) AS skus FROM stg_items GROUP BY 1 ORDER BY 1
