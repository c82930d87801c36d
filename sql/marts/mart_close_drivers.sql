-- grain: one row per (period_grain, period_start, type, source) that kept a period open: the late events of
-- that event type and sending system that changed the period after its end (mart_close_changes), when the
-- last of them arrived, how late they came after the period's end, and the money they moved. source is
-- 'unknown' for events sent without one.
SELECT period_grain, period_start, period_end, type, coalesce(source, 'unknown') AS source,
       count(*) AS events,
       count(*) FILTER (WHERE in_period) AS events_in_period,
       max(arrived_at) AS last_arrived_at,
       max(days_after_end) AS max_days_after_end,
       sum(inventory_value) AS inventory_value_change,
       sum(value_moved) AS value_moved,
       coalesce(sum(margin) FILTER (WHERE in_period), 0) AS margin_change
FROM mart_close_changes
GROUP BY ALL
