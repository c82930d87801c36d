-- grain: one row per (day, channel_id, category): revenue, refunds, COGS and gross margin (mart_margin_daily).
SELECT day, channel_id, coalesce(category, 'uncategorised') AS category,
       units_sold::BIGINT AS units_sold, units_returned::BIGINT AS units_returned,
       revenue::DOUBLE AS revenue, refunds::DOUBLE AS refunds, net_revenue::DOUBLE AS net_revenue,
       net_cogs::DOUBLE AS cogs, gross_margin::DOUBLE AS gross_margin
FROM mart_margin_daily ORDER BY 1, 2, 3
