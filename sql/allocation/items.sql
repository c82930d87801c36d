-- grain: one row per item (current master data): what the substitution search compares
SELECT sku, category, brand, pack_size, list_price
FROM stg_items
ORDER BY sku
