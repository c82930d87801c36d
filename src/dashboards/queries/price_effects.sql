-- grain: one row per (day, channel_id, category, price_reason): units and revenue sold below list price,
-- the discount given (list − paid) and their COGS: the markdown and promotion effect.
SELECT day, channel_id, coalesce(category, 'uncategorised') AS category, coalesce(price_reason, 'other') AS price_reason,
       units::BIGINT AS units, revenue::DOUBLE AS revenue, discount_value::DOUBLE AS discount_value, cogs::DOUBLE AS cogs
FROM mart_sales_below_list ORDER BY 1, 2, 3, 4
