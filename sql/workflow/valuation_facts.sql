-- grain: one row per key of $keys, a JSON array of {k, sku, node_id?, to_node_id?}: the warehouse's master
-- data and costs the approval policy values an action with (docs/workflow.md "Amounts"), never the
-- requester's. Prices in force are price_references.sql.
-- Items and nodes are read from event_log by the rules of stg_items / stg_nodes (the latest upsert by business
-- time, then arrival), but only for the keys' skus and nodes: $sku_pattern and $node_pattern match
-- `"sku":"…"` / `"node_id":"…"` exactly in the canonical payload (valuation.ts builds them), so only the
-- matching events are parsed — the views would parse every item of the log on each request judged.
-- avg_unit_cost: the moving average at node_id as of the last ledger refresh: inventory_positions'
-- avg_unit_cost, read from the ledger state it comes from (the whole view costs far more than the few
-- accounts needed here).
WITH keys AS (
  SELECT unnest(
    from_json($keys::JSON, '[{"k":"INTEGER","sku":"VARCHAR","node_id":"VARCHAR","to_node_id":"VARCHAR"}]'),
    recursive := true
  )
),
items AS (
  SELECT payload->>'sku' AS sku,
         arg_max(payload, (occurred_at, seq)) AS payload
  FROM stg_event_log
  WHERE type = 'item_upserted' AND regexp_matches(payload, $sku_pattern)
  GROUP BY 1
),
nodes AS (
  SELECT DISTINCT payload->>'node_id' AS node_id
  FROM stg_event_log
  WHERE type = 'node_upserted' AND regexp_matches(payload, $node_pattern)
),
positions AS (
  SELECT lk.sku, lk.node_id, s.avg_unit_cost
  FROM ledger_keys lk JOIN ledger_stock_state s USING (key_id)
  WHERE lk.sku IN (SELECT sku FROM keys) AND lk.node_id IN (SELECT node_id FROM keys)
)
SELECT
  k.k,
  i.sku IS NOT NULL AS sku_known,
  (i.payload->>'list_price')::DOUBLE AS list_price,
  (i.payload->>'unit_cost')::DOUBLE AS unit_cost,
  p.avg_unit_cost,
  k.node_id IS NULL OR n.node_id IS NOT NULL AS node_known,
  k.to_node_id IS NULL OR tn.node_id IS NOT NULL AS to_node_known
FROM keys k
LEFT JOIN items i ON i.sku = k.sku
LEFT JOIN positions p ON p.sku = k.sku AND p.node_id = k.node_id
LEFT JOIN nodes n ON n.node_id = k.node_id
LEFT JOIN nodes tn ON tn.node_id = k.to_node_id
ORDER BY k.k
