-- grain: one row per (channel_id, category): units available to sell on the channel, and how many of its
-- skus have none.
SELECT a.channel_id, coalesce(i.category, 'uncategorised') AS category,
       sum(a.available)::BIGINT AS available, count(*)::BIGINT AS skus,
       count(*) FILTER (WHERE a.available <= 0)::BIGINT AS skus_unavailable
FROM channel_availability a LEFT JOIN stg_items i USING (sku)
GROUP BY ALL ORDER BY 1, 2
