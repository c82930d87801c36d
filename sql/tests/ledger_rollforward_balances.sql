-- assert: the inventory roll-forward balances to the cent in every period and node, each period opens where
-- the previous one closed, and the last period closes at the value in inventory_positions
WITH last_close AS (
  SELECT period_grain, node_id, arg_max(closing_value, period_start) AS closing_value
  FROM mart_inventory_rollforward GROUP BY period_grain, node_id
),
now_value AS (
  SELECT node_id, sum(inventory_value + in_transit_value) AS value FROM inventory_positions GROUP BY node_id
)
SELECT period_grain, period_start, node_id, 'does not balance' AS problem
FROM mart_inventory_rollforward WHERE balance_difference <> 0
UNION ALL
SELECT period_grain, period_start, node_id, 'opens off the previous close'
FROM (
  SELECT *, lag(closing_value) OVER (PARTITION BY period_grain, node_id ORDER BY period_start) AS previous_close
  FROM mart_inventory_rollforward
)
WHERE previous_close IS NOT NULL AND previous_close <> opening_value
UNION ALL
SELECT l.period_grain, NULL, l.node_id, 'last close is not the current value'
FROM last_close l LEFT JOIN now_value n USING (node_id)
WHERE l.closing_value <> coalesce(n.value, 0)
