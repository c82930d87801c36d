-- grain: one row per key of $keys, a JSON array of {k, sku, channel_id?, at}: the base price in force for
-- the key's channel and for all channels, at the key's time and at $now (the business now). The base price
-- is the latest regular or markdown change (ledger_prices' rules: from occurred_at until ends_at) that has
-- started and not ended; promotions sit on top of the base and are no reference. valuation.ts falls back from
-- the channel's to the all-channel price to the list price, and takes the higher of then and now: a
-- backdated channel price would otherwise be judged against an old price while becoming the channel's
-- current one. Only the keys' price changes are parsed: $sku_pattern matches `"sku":"…"` exactly in the
-- canonical payload. Filters on parsed fields sit in aggregate FILTERs, where they cannot be pushed below it.
WITH keys AS (
  SELECT unnest(
    from_json($keys::JSON, '[{"k":"INTEGER","sku":"VARCHAR","channel_id":"VARCHAR","at":"TIMESTAMPTZ"}]'),
    recursive := true
  )
),
base AS (
  SELECT f[1] AS sku, f[2] AS channel_id, f[3]::DOUBLE AS price, f[4] AS reason,
         occurred_at AS starts_at,
         CASE WHEN f[5] IS NULL THEN 'infinity'::TIMESTAMPTZ
              WHEN length(f[5]) = 10 THEN f[5]::DATE::TIMESTAMPTZ
              ELSE f[5]::TIMESTAMPTZ END AS ends_at,
         seq
  FROM (
    SELECT occurred_at, seq,
           json_extract_string(payload, ['$.sku', '$.channel_id', '$.price', '$.reason', '$.ends_at']) AS f
    FROM stg_event_log
    WHERE type = 'price_changed' AND regexp_matches(payload, $sku_pattern)
  )
),
refs AS (
  SELECT
    k.k,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.reason <> 'promotion' AND b.channel_id = k.channel_id AND b.starts_at <= k.at
                AND b.ends_at > k.at)
      AS channel_price_then,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.reason <> 'promotion' AND b.channel_id IS NULL AND b.starts_at <= k.at AND b.ends_at > k.at)
      AS all_channel_price_then,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.reason <> 'promotion' AND b.channel_id = k.channel_id AND b.starts_at <= $now::TIMESTAMPTZ
                AND b.ends_at > $now::TIMESTAMPTZ)
      AS channel_price_now,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.reason <> 'promotion' AND b.channel_id IS NULL AND b.starts_at <= $now::TIMESTAMPTZ
                AND b.ends_at > $now::TIMESTAMPTZ)
      AS all_channel_price_now
  FROM keys k
  LEFT JOIN base b ON b.sku = k.sku
  GROUP BY k.k
)
SELECT * FROM refs ORDER BY k
