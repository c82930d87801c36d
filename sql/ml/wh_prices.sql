-- grain: one row per (sku, channel_key, day) for days $from_day..$to_day: the price in force and whether a
-- promotion or a markdown is running. channel_key '*' = all channels (price_changed without channel_id);
-- a channel's own changes win over '*' ones in the loader. Promotions run from occurred_at to ends_at
-- (exclusive; open-ended until the next change when absent) and sit on top of the base price (the latest
-- regular or markdown change, else stg_items.list_price). Future-dated changes are planned prices: they
-- are what the forecast sees for the days ahead.
WITH changes AS (
  SELECT
    f[1] AS sku,
    coalesce(f[2], '*') AS channel_key,
    f[3]::DOUBLE AS price,
    f[4] AS reason,
    occurred_at::DATE AS day,
    CASE WHEN f[5] IS NULL THEN NULL WHEN length(f[5]) = 10 THEN f[5]::DATE ELSE f[5]::TIMESTAMPTZ::DATE END
      AS ends_day,
    seq
  FROM (
    SELECT occurred_at, seq,
      json_extract_string(payload, ['$.sku', '$.channel_id', '$.price', '$.reason', '$.ends_at']) AS f
    FROM stg_event_log WHERE type = 'price_changed' AND occurred_at::DATE <= $to_day::DATE
  )
),
keys AS (
  SELECT DISTINCT sku, channel_key FROM changes
  UNION
  SELECT sku, '*' FROM stg_items
),
spine AS (
  SELECT k.sku, k.channel_key, d.day::DATE AS day
  FROM keys k, range($from_day::DATE, $to_day::DATE + INTERVAL 1 DAY, INTERVAL 1 DAY) d(day)
),
base AS (
  SELECT s.sku, s.channel_key, s.day, c.price, c.reason
  FROM spine s
  ASOF LEFT JOIN (SELECT * FROM changes WHERE reason <> 'promotion') c
    ON c.sku = s.sku AND c.channel_key = s.channel_key AND s.day >= c.day
),
promo AS (
  SELECT s.sku, s.channel_key, s.day, c.price, c.ends_day
  FROM spine s
  ASOF LEFT JOIN (SELECT * FROM changes WHERE reason = 'promotion') c
    ON c.sku = s.sku AND c.channel_key = s.channel_key AND s.day >= c.day
)
SELECT
  b.sku,
  b.channel_key,
  b.day,
  CASE WHEN p.price IS NOT NULL AND (p.ends_day IS NULL OR b.day < p.ends_day) THEN p.price
    ELSE coalesce(b.price, i.list_price) END AS price,
  p.price IS NOT NULL AND (p.ends_day IS NULL OR b.day < p.ends_day) AS promo,
  coalesce(b.reason = 'markdown', false) AND NOT (p.price IS NOT NULL AND (p.ends_day IS NULL OR b.day < p.ends_day))
    AS markdown
FROM base b
JOIN promo p USING (sku, channel_key, day)
LEFT JOIN stg_items i ON i.sku = b.sku
