-- grain: one row per (period_grain, period_start, seq): a late event (mart_close_late_events) that changed the
-- numbers of a day, ISO week or month (mart_periods, UTC) after the period had ended: it happened before the
-- period's end and arrived after it, by the business clock (arrivals after the clock have not arrived yet).
-- A period's numbers are its flows (revenue, refunds, COGS, margin: events inside the period) and its closing
-- inventory value (every event before its end), so an event reopens every period from its own to the one in
-- which it arrived: a receipt of the 3rd that arrives on the 6th changes the closing value of the 3rd, 4th and
-- 5th. in_period: the event happened inside the period (it changed its flows, not only its closing value).
WITH periods AS (
  SELECT period_grain, period_start, period_end, CAST(period_start AS TIMESTAMPTZ) AS start_at,
         CAST(period_end AS TIMESTAMPTZ) AS end_at
  FROM mart_periods WHERE period_grain IN ('day', 'week', 'month')
),
events AS (
  SELECT e.* FROM mart_close_late_events e, mart_clock c WHERE e.arrived_at <= c.as_of
)
SELECT p.period_grain, p.period_start, p.period_end, e.seq, e.event_id, e.type, e.source, e.occurred_at,
       e.arrived_at, e.occurred_at >= p.start_at AS in_period,
       round(epoch(e.arrived_at - p.end_at) / 86400, 4) AS days_after_end,
       e.inventory_value, e.value_moved, e.revenue, e.refunds, e.cogs, e.returned_cogs, e.margin
FROM periods p
JOIN events e ON e.occurred_at < p.end_at AND e.arrived_at > p.end_at
