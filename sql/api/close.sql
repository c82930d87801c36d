-- GET /api/v1/close: the finance close view (mart_close, sql/marts: one row per ended day, ISO week and month:
-- how far it has settled, what moved it after its end, what is pending). params: $period (NULL = 'month'),
-- $status (NULL = moving and pending; 'all' = every ended period, else only that status), $from, $to (period
-- starts, dates; NULL = any)
SELECT period_grain, period_start, period_end, status, days_to_settle, last_change_at, quiet_days, late_events,
       inventory_value_change, value_moved, revenue_change, refunds_change, margin_change, pending_items,
       pending_value, open_transfers, open_transfer_value, overdue_po_lines, overdue_po_value, ungraded_returns,
       ungraded_return_value, refunds_without_return, refund_without_return_value
FROM mart_close
WHERE period_grain = coalesce($period::VARCHAR, 'month')
  AND CASE coalesce($status::VARCHAR, 'open')
        WHEN 'open' THEN status <> 'settled'
        WHEN 'all' THEN true
        ELSE status = $status::VARCHAR END
  AND ($from::DATE IS NULL OR period_start >= $from::DATE)
  AND ($to::DATE IS NULL OR period_start <= $to::DATE)
ORDER BY period_start DESC
