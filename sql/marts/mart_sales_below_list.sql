-- grain: one row per (day, channel_id, category, price_reason): units and revenue sold below the item's
-- list price, and the discount given (list - price per unit). price_reason is the reason of the price change
-- in force for the sku (its channel's or the all-channel one) when sold: markdown, promotion, regular, or
-- 'unexplained' when no price change explains the lower price.
WITH below AS (
  SELECT s.*,
         (SELECT arg_max(p.reason, (p.starts_at, p.seq)) FROM ledger_prices p
          WHERE p.sku = s.sku AND (p.channel_id IS NULL OR p.channel_id = s.channel_id)
            AND p.starts_at <= s.occurred_at AND (p.ends_at IS NULL OR p.ends_at > s.occurred_at)) AS price_reason
  FROM ledger_sales s
  WHERE s.list_price IS NOT NULL AND s.unit_price < s.list_price
)
SELECT day, channel_id, category, coalesce(price_reason, 'unexplained') AS price_reason,
       sum(qty) AS units, sum(revenue) AS revenue,
       CAST(sum(qty * (list_price - unit_price)) AS DECIMAL(38, 2)) AS discount_value,
       sum(cogs) AS cogs
FROM below
GROUP BY ALL
