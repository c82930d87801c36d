-- grain: one row per channel (current master data)
SELECT channel_id, coalesce(name, channel_id) AS name, channel_type FROM stg_channels ORDER BY channel_id
