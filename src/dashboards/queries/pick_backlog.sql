-- grain: one row per shipping node: the current pick backlog against capacity and the next carrier cutoff
-- (mart_pick_backlog), with the node's name.
SELECT b.node_id, coalesce(n.name, b.node_id) AS name, b.backlog_units::BIGINT AS backlog_units, b.lines,
       b.ship_capacity_per_day, b.backlog_days, b.next_cutoff_at, b.capacity_until_cutoff, b.over_capacity
FROM mart_pick_backlog b LEFT JOIN stg_nodes n USING (node_id)
ORDER BY b.backlog_days DESC NULLS LAST, b.node_id
