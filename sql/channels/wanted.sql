-- grain: one row per (sku, location) a connected channel should show: the quantity it may sell.
-- aggregate: the channel's availability (channel_availability: eligible nodes, buffers applied) at one
-- location ($location: the Shopify location gid, or '' for platforms without locations).
-- per_location: the same total split over the mapped nodes' locations ($locations: [{node_id, location}]):
-- each node's own available units, filled in node_id order until the channel's availability is reached, so
-- the channel's sum over its locations never exceeds what it may sell.
WITH mapped AS (
  SELECT m.node_id, m.location
  FROM (SELECT unnest(from_json($locations, '[{"node_id":"VARCHAR","location":"VARCHAR"}]'), recursive := true)) m
),
channel AS (
  SELECT sku, available FROM channel_availability WHERE channel_id = $channel_id
),
per_node AS (
  SELECT c.sku, m.location, m.node_id, greatest(coalesce(p.available, 0), 0) AS node_available,
         c.available AS channel_available
  FROM channel c
  CROSS JOIN mapped m
  LEFT JOIN inventory_positions p ON p.sku = c.sku AND p.node_id = m.node_id
  WHERE $mode = 'per_location'
),
filled AS (
  SELECT sku, location, node_id, node_available, channel_available,
         coalesce(sum(node_available) OVER (PARTITION BY sku ORDER BY node_id
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
  FROM per_node
)
SELECT sku, $location::VARCHAR AS location, NULL::VARCHAR AS node_id, CAST(available AS BIGINT) AS quantity
FROM channel
WHERE $mode = 'aggregate'
UNION ALL
SELECT sku, location, node_id,
       CAST(greatest(0, least(node_available, channel_available - before)) AS BIGINT) AS quantity
FROM filled
