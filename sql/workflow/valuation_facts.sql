-- grain: one row per key of $keys, a JSON array of {k, sku, channel_id?, node_id?, to_node_id?, at}: the
-- warehouse's amounts the approval policy values an action with (docs/workflow.md "Amounts"), never the
-- requester's. $now is the business now.
-- Prices: the base price in force (regular and markdown changes of ledger_prices that have started and not
-- ended; promotions sit on top of the base and are no reference) for the key's channel, else the all-channel
-- one, else the item's list price. Taken at the key's time and at $now: a backdated channel price would
-- otherwise be judged against an old price while becoming the channel's current one.
-- avg_unit_cost: the moving average at node_id as of the last ledger refresh (inventory_positions).
WITH keys AS (
  SELECT unnest(
    from_json(
      $keys::JSON,
      '[{"k":"INTEGER","sku":"VARCHAR","channel_id":"VARCHAR","node_id":"VARCHAR","to_node_id":"VARCHAR","at":"TIMESTAMPTZ"}]'
    ),
    recursive := true
  )
),
base AS (
  SELECT sku, channel_id, price, starts_at, coalesce(ends_at, 'infinity'::TIMESTAMPTZ) AS ends_at, seq
  FROM ledger_prices
  WHERE reason <> 'promotion' AND sku IN (SELECT sku FROM keys)
),
refs AS (
  SELECT
    k.k,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.channel_id = k.channel_id AND b.starts_at <= k.at AND b.ends_at > k.at)
      AS channel_price_then,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.channel_id IS NULL AND b.starts_at <= k.at AND b.ends_at > k.at)
      AS all_channel_price_then,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.channel_id = k.channel_id AND b.starts_at <= $now::TIMESTAMPTZ AND b.ends_at > $now::TIMESTAMPTZ)
      AS channel_price_now,
    arg_max(b.price, (b.starts_at, b.seq))
      FILTER (WHERE b.channel_id IS NULL AND b.starts_at <= $now::TIMESTAMPTZ AND b.ends_at > $now::TIMESTAMPTZ)
      AS all_channel_price_now
  FROM keys k
  LEFT JOIN base b ON b.sku = k.sku
  GROUP BY k.k
)
SELECT
  k.k,
  i.sku IS NOT NULL AS sku_known,
  i.list_price,
  i.unit_cost,
  r.channel_price_then,
  r.all_channel_price_then,
  r.channel_price_now,
  r.all_channel_price_now,
  p.avg_unit_cost,
  k.node_id IS NULL OR n.node_id IS NOT NULL AS node_known,
  k.to_node_id IS NULL OR tn.node_id IS NOT NULL AS to_node_known
FROM keys k
JOIN refs r USING (k)
LEFT JOIN stg_items i ON i.sku = k.sku
LEFT JOIN inventory_positions p ON p.sku = k.sku AND p.node_id = k.node_id
LEFT JOIN stg_nodes n ON n.node_id = k.node_id
LEFT JOIN stg_nodes tn ON tn.node_id = k.to_node_id
ORDER BY k.k
