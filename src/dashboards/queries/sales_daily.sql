-- grain: one row per (day, channel_id, category): units sold and refunds issued: the series the anomaly
-- timeline is drawn over.
SELECT day, channel_id, coalesce(category, 'uncategorised') AS category, sum(qty)::BIGINT AS units,
       sum(revenue)::DOUBLE AS revenue
FROM ledger_sales GROUP BY ALL ORDER BY 1, 2, 3
