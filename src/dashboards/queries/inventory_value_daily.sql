-- grain: one row per (day, node_id): closing inventory value (mart_inventory_rollforward, day grain, carried
-- forward over days without movements) and that day's COGS, from which weeks of supply in value terms follow
-- (closing value / average weekly COGS).
WITH r AS (
  SELECT period_start AS day, node_id, closing_value, cogs FROM mart_inventory_rollforward WHERE period_grain = 'day'
),
days AS (SELECT unnest(generate_series(min(day), max(day), INTERVAL 1 DAY))::DATE AS day FROM r),
grid AS (SELECT d.day, n.node_id FROM days d CROSS JOIN (SELECT DISTINCT node_id FROM r) n)
SELECT g.day, g.node_id, coalesce(c.closing_value, 0)::DOUBLE AS inventory_value, coalesce(t.cogs, 0)::DOUBLE AS cogs
FROM grid g
ASOF LEFT JOIN r c ON c.node_id = g.node_id AND c.day <= g.day
LEFT JOIN r t ON t.node_id = g.node_id AND t.day = g.day
ORDER BY 1, 2
