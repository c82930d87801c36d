-- grain: one row per (day, stage, channel_id): orders waiting at the end of the day in each fulfilment stage
-- (awaiting allocation, awaiting pick, awaiting shipment) and their average age in hours.
WITH {{order_facts}},
days AS (
  SELECT unnest(generate_series(min(placed_at)::DATE, max(placed_at)::DATE, INTERVAL 1 DAY))::DATE AS day
  FROM order_facts
),
o AS (
  SELECT channel_id, placed_at, first_allocated_at, first_picked_at, last_shipped_at,
         coalesce(cancelled_at, CASE WHEN fully_shipped THEN NULL END) AS cancelled_at, fully_shipped
  FROM order_facts
),
staged AS (
  SELECT d.day, o.channel_id,
         CASE WHEN o.first_allocated_at IS NULL OR o.first_allocated_at >= d.day + INTERVAL 1 DAY THEN 'awaiting allocation'
              WHEN o.first_picked_at IS NULL OR o.first_picked_at >= d.day + INTERVAL 1 DAY THEN 'awaiting pick'
              ELSE 'awaiting shipment' END AS stage,
         CASE WHEN o.first_allocated_at IS NULL OR o.first_allocated_at >= d.day + INTERVAL 1 DAY THEN o.placed_at
              WHEN o.first_picked_at IS NULL OR o.first_picked_at >= d.day + INTERVAL 1 DAY THEN o.first_allocated_at
              ELSE o.first_picked_at END AS since
  FROM days d JOIN o
    ON o.placed_at < d.day + INTERVAL 1 DAY
   AND (o.last_shipped_at IS NULL OR NOT o.fully_shipped OR o.last_shipped_at >= d.day + INTERVAL 1 DAY)
   AND (o.cancelled_at IS NULL OR o.cancelled_at >= d.day + INTERVAL 1 DAY)
   AND (o.fully_shipped OR o.cancelled_at IS NOT NULL OR o.placed_at >= d.day - INTERVAL 30 DAY)
)
SELECT day, stage, channel_id, count(*)::BIGINT AS orders,
       avg(epoch((day + INTERVAL 1 DAY) - since) / 3600)::DOUBLE AS avg_age_hours
FROM staged GROUP BY ALL ORDER BY 1, 2, 3
