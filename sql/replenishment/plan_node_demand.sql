-- grain: one row per node with demand in the window: its total daily outflow over ($as_of − $days, $as_of] as a
-- list of $days values, oldest first (zeros where nothing left). The same units as plan_positions.sql's demand
-- (POS sales, order shipments, transfers shipped), summed over every sku of the node. The days are the 24-hour
-- spans ending at $as_of (the last element is the 24 hours before it), so every element is a whole day and the
-- window is exactly the one behind demand_sum. The plan's no-forecast fallback reads each node's seasonal
-- change off this series (src/replenishment/policy/baseline.ts, seasonalRatio).
-- Params: $as_of (TIMESTAMPTZ), $days (INTEGER).
WITH moves AS (
  SELECT coalesce(payload->>'node_id', payload->>'from_node_id') AS node_id,
         $days::INTEGER - 1
           - floor((epoch($as_of::TIMESTAMPTZ) - epoch(occurred_at)) / 86400)::INTEGER AS day_index,
         (payload->>'qty')::DOUBLE AS qty
  FROM event_log
  WHERE type IN ('pos_sale', 'shipped', 'transfer_shipped')
    AND occurred_at > $as_of::TIMESTAMPTZ - to_days($days::INTEGER) AND occurred_at <= $as_of::TIMESTAMPTZ
),
per_day AS (
  SELECT node_id, day_index, sum(qty) AS qty FROM moves WHERE node_id IS NOT NULL GROUP BY ALL
),
nodes AS (SELECT DISTINCT node_id FROM per_day)
SELECT n.node_id, list(coalesce(d.qty, 0) ORDER BY g.day_index) AS daily
FROM nodes n
CROSS JOIN (SELECT range AS day_index FROM range($days::INTEGER)) g
LEFT JOIN per_day d ON d.node_id = n.node_id AND d.day_index = g.day_index
GROUP BY n.node_id
ORDER BY n.node_id
