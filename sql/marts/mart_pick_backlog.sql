-- grain: one row per node_id with reserved units: the pick backlog (units reserved at the node and not yet
-- picked: per order line, reserved minus what is picked and not yet shipped), the node's ship capacity
-- (units/day; NULL = unlimited), the backlog in days of capacity, the next carrier cutoff after the business
-- clock (carrier_cutoff is taken as UTC) and the share of a day's capacity left until it.
WITH cfg AS (SELECT as_of AS clock FROM mart_clock),
reserved AS (
  SELECT order_id, line_id, node_id, sum(qty) AS reserved
  FROM ledger_reservations GROUP BY ALL HAVING sum(qty) > 0
),
picked AS (
  SELECT order_id, line_id, node_id,
         greatest(coalesce(sum(qty) FILTER (WHERE event_type = 'picked'), 0)
                  - coalesce(sum(qty) FILTER (WHERE event_type = 'shipped'), 0), 0) AS picked_unshipped
  FROM ledger_order_events WHERE event_type IN ('picked', 'shipped') GROUP BY ALL
),
backlog AS (
  SELECT r.node_id, sum(greatest(r.reserved - coalesce(p.picked_unshipped, 0), 0)) AS backlog_units,
         sum(r.reserved) AS reserved_units, count(*) AS lines
  FROM reserved r LEFT JOIN picked p USING (order_id, line_id, node_id)
  GROUP BY r.node_id
),
cutoffs AS (
  SELECT n.node_id, n.ship_capacity_per_day,
         CAST(CAST(cfg.clock AS DATE) AS TIMESTAMPTZ)
           + to_minutes(CAST(split_part(n.carrier_cutoff, ':', 1) AS INTEGER) * 60
                        + CAST(split_part(n.carrier_cutoff, ':', 2) AS INTEGER)) AS today_cutoff
  FROM stg_nodes n, cfg
)
SELECT
  b.node_id, b.backlog_units, b.reserved_units, b.lines, c.ship_capacity_per_day,
  round(b.backlog_units / nullif(c.ship_capacity_per_day, 0), 2) AS backlog_days,
  CASE WHEN c.today_cutoff > cfg.clock THEN c.today_cutoff ELSE c.today_cutoff + INTERVAL 1 DAY END AS next_cutoff_at,
  CAST(floor(c.ship_capacity_per_day * epoch(
    CASE WHEN c.today_cutoff > cfg.clock THEN c.today_cutoff ELSE c.today_cutoff + INTERVAL 1 DAY END - cfg.clock)
    / 86400) AS BIGINT) AS capacity_until_cutoff,
  c.ship_capacity_per_day IS NOT NULL AND b.backlog_units > c.ship_capacity_per_day AS over_capacity
FROM backlog b CROSS JOIN cfg LEFT JOIN cutoffs c USING (node_id)
