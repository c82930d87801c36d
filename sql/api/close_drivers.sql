-- GET /api/v1/close: what kept the listed periods open (mart_close_drivers: event type × source per period).
-- params: $period (NULL = 'month'), $from, $to (period starts, dates; NULL = any)
SELECT period_grain, period_start, type, source, events, events_in_period, last_arrived_at, max_days_after_end,
       inventory_value_change, value_moved, margin_change
FROM mart_close_drivers
WHERE period_grain = coalesce($period::VARCHAR, 'month')
  AND ($from::DATE IS NULL OR period_start >= $from::DATE)
  AND ($to::DATE IS NULL OR period_start <= $to::DATE)
ORDER BY period_start DESC, events DESC, type, source
