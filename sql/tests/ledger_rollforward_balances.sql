-- assert: the inventory roll-forward balances to the cent in every period and node, each period opens where
-- the previous one closed, and the last period closes at the value of the positions as of its end (the
-- positions of everything before it: an event at or after the period's end, e.g. one exactly at a
-- midnight business clock, which ends the day before, belongs to no reported period yet)
WITH last_close AS (
  SELECT period_grain, node_id, arg_max(closing_value, period_start) AS closing_value
  FROM mart_inventory_rollforward GROUP BY period_grain, node_id
),
last_end AS (
  SELECT p.period_grain, p.period_end
  FROM (SELECT period_grain, max(period_start) AS period_start FROM mart_inventory_rollforward GROUP BY 1) r
  JOIN mart_periods p USING (period_grain, period_start)
),
now_value AS (
  -- per grain: the positions of everything before its last period's end (inventory_positions_as_of is <=)
  SELECT 'day' AS period_grain, node_id, sum(inventory_value + in_transit_value) AS value
  FROM inventory_positions_as_of(
    (SELECT CAST(period_end AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND FROM last_end WHERE period_grain = 'day'))
  GROUP BY node_id
  UNION ALL
  SELECT 'week' AS period_grain, node_id, sum(inventory_value + in_transit_value) AS value
  FROM inventory_positions_as_of(
    (SELECT CAST(period_end AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND FROM last_end WHERE period_grain = 'week'))
  GROUP BY node_id
  UNION ALL
  SELECT 'month' AS period_grain, node_id, sum(inventory_value + in_transit_value) AS value
  FROM inventory_positions_as_of(
    (SELECT CAST(period_end AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND FROM last_end WHERE period_grain = 'month'))
  GROUP BY node_id
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
FROM last_close l LEFT JOIN now_value n USING (period_grain, node_id)
WHERE l.closing_value <> coalesce(n.value, 0)
