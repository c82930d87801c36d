-- grain: one row per channel (current master data); node_ids NULL = every can_ship node
SELECT channel_id, node_ids, buffer_units, buffer_pct
FROM stg_channels
ORDER BY channel_id
