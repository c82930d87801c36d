-- grain: one row per store node_id: the store channel that sells at it (channel_type 'store' listing the node,
-- or listing none; the first by id when several do). POS sales and returns without an order belong to it.
SELECT n.node_id, min(c.channel_id) AS channel_id
FROM stg_channels c JOIN stg_nodes n ON c.node_ids IS NULL OR list_contains(c.node_ids, n.node_id)
WHERE c.channel_type = 'store'
GROUP BY n.node_id
