-- grain: one row per (period_grain, period_start) for every day, ISO week and month of mart_periods (UTC): how
-- long after its end the period's numbers (inventory value at its end, revenue, refunds, COGS, margin) kept
-- changing, from the late events that changed them (mart_close_changes).
--   last_change_at   arrival (business time) of the last event that changed the period after its end; NULL: none
--   days_to_settle   (last_change_at − period end) in days, 0 when nothing changed it after its end; NULL while
--                    the period has not ended (complete = false). As of the business clock: a period may still
--                    move (mart_close), so a recent period's figure can only grow.
--   quiet_days       days from the last change (else the period end) to the clock
--   inventory_value_change  Σ value the late events booked before the end (the closing value moved by that)
--   value_moved      Σ |value| they moved at any node; revenue_change, refunds_change and margin_change: of the
--                    late events inside the period (its flows)
-- close_days in mart_kpis reads days_to_settle of each day: a week's or a month's is that of its last day
-- (every event before its end counts), so aggregation 'last' gives the same figure as this view.
WITH periods AS (
  SELECT period_grain, period_start, period_end, complete FROM mart_periods
  WHERE period_grain IN ('day', 'week', 'month')
),
changes AS (
  SELECT period_grain, period_start, count(*) AS late_events, max(arrived_at) AS last_change_at,
         count(DISTINCT type) AS event_types,
         sum(inventory_value) AS inventory_value_change, sum(value_moved) AS value_moved,
         coalesce(sum(revenue) FILTER (WHERE in_period), 0) AS revenue_change,
         coalesce(sum(refunds) FILTER (WHERE in_period), 0) AS refunds_change,
         coalesce(sum(margin) FILTER (WHERE in_period), 0) AS margin_change
  FROM mart_close_changes GROUP BY ALL
)
SELECT p.period_grain, p.period_start, p.period_end, p.complete,
       coalesce(c.late_events, 0) AS late_events,
       coalesce(c.event_types, 0) AS event_types,
       c.last_change_at,
       CASE WHEN p.complete
            THEN coalesce(round(epoch(c.last_change_at - CAST(p.period_end AS TIMESTAMPTZ)) / 86400, 4), 0) END
         AS days_to_settle,
       CASE WHEN p.complete
            THEN round(epoch(k.as_of - coalesce(c.last_change_at, CAST(p.period_end AS TIMESTAMPTZ))) / 86400, 4) END
         AS quiet_days,
       coalesce(c.inventory_value_change, 0) AS inventory_value_change,
       coalesce(c.value_moved, 0) AS value_moved,
       coalesce(c.revenue_change, 0) AS revenue_change,
       coalesce(c.refunds_change, 0) AS refunds_change,
       coalesce(c.margin_change, 0) AS margin_change
FROM periods p
CROSS JOIN mart_clock k
LEFT JOIN changes c USING (period_grain, period_start)
