-- grain: one row per ended day, week and month not yet settled (mart_close: status moving or pending): how many
-- days it took to settle so far, what moved it after its end and what is still pending (the Margin page).
SELECT period_grain, period_start, period_end, status, days_to_settle, last_change_at, late_events,
       inventory_value_change, value_moved, margin_change, pending_items, pending_value, open_transfers,
       overdue_po_lines, ungraded_returns, refunds_without_return
FROM mart_close
WHERE status <> 'settled'
ORDER BY period_grain, period_start
