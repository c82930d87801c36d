-- grain: one row per (day, node_id): units allocated to the node and not yet shipped or released at the end
-- of the day (the pick backlog), units shipped that day, and the node's daily ship capacity.
WITH moves AS (
  SELECT occurred_at::DATE AS day, (payload->>'node_id') AS node_id,
         sum(CASE type WHEN 'allocated' THEN 1 ELSE -1 END * TRY_CAST(payload->>'qty' AS BIGINT)) AS delta,
         sum(CASE WHEN type = 'shipped' THEN TRY_CAST(payload->>'qty' AS BIGINT) ELSE 0 END) AS shipped
  FROM stg_event_log WHERE type IN ('allocated', 'allocation_released', 'shipped') GROUP BY ALL
),
days AS (
  SELECT unnest(generate_series(min(day), max(day), INTERVAL 1 DAY))::DATE AS day FROM moves
),
grid AS (SELECT d.day, n.node_id FROM days d CROSS JOIN (SELECT DISTINCT node_id FROM moves) n)
SELECT g.day, g.node_id,
       greatest(sum(coalesce(m.delta, 0)) OVER (PARTITION BY g.node_id ORDER BY g.day), 0)::BIGINT AS backlog_units,
       coalesce(m.shipped, 0)::BIGINT AS units_shipped,
       s.ship_capacity_per_day
FROM grid g LEFT JOIN moves m USING (day, node_id) LEFT JOIN stg_nodes s USING (node_id)
ORDER BY 1, 2
