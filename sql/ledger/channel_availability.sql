-- grain: one row per (channel_id, sku): every channel × every sku that is an item or has a position.
-- The contract's read model (EVENTS.md): available = the sum over the channel's eligible nodes of
-- max(available, 0), minus the channel buffer: buffer_units first, then buffer_pct of what is left with the
-- percentage rounded down to whole units; never below 0. Eligible nodes: the channel's node_ids, or every
-- can_ship node when it lists none.
WITH eligible AS (
  SELECT channel_id, unnest(node_ids) AS node_id FROM stg_channels WHERE node_ids IS NOT NULL
  UNION
  SELECT c.channel_id, n.node_id FROM stg_channels c JOIN stg_nodes n ON n.can_ship WHERE c.node_ids IS NULL
),
skus AS (
  SELECT sku FROM stg_items
  UNION
  SELECT sku FROM inventory_positions
),
sums AS (
  SELECT e.channel_id, p.sku, sum(greatest(p.available, 0)) AS nodes_available, count(*) AS nodes
  FROM eligible e JOIN inventory_positions p ON p.node_id = e.node_id
  GROUP BY e.channel_id, p.sku
),
buffered AS (
  SELECT c.channel_id, s.sku, c.buffer_units, CAST(c.buffer_pct AS DECIMAL(9, 4)) AS buffer_pct,
         coalesce(u.nodes_available, 0) AS nodes_available, coalesce(u.nodes, 0) AS eligible_nodes,
         greatest(coalesce(u.nodes_available, 0) - c.buffer_units, 0) AS after_units
  FROM stg_channels c
  CROSS JOIN skus s
  LEFT JOIN sums u ON u.channel_id = c.channel_id AND u.sku = s.sku
)
SELECT
  channel_id,
  sku,
  CAST(greatest(after_units - floor(after_units * buffer_pct / 100), 0) AS BIGINT) AS available,
  CAST(nodes_available AS BIGINT) AS nodes_available,
  eligible_nodes,
  buffer_units,
  CAST(buffer_pct AS DOUBLE) AS buffer_pct
FROM buffered
