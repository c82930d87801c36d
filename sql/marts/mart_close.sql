-- grain: one row per ended (complete) day, ISO week and month: the finance close view. How far the period has
-- settled (mart_close_periods), what moved it after its end, and what is still pending that will move it
-- (mart_close_pending, by the period the item originated in). status:
--   moving   a late event changed the period within the last close_quiet_days (ledger_config, default 7) days
--   pending  quiet since, but items that originated in it are still open
--   settled  neither: its numbers have not changed for close_quiet_days and nothing of it is open
-- GET /api/v1/close and the Margin page read this view.
WITH pending AS (
  SELECT p.period_grain, p.period_start,
         count(*) AS pending_items, sum(i.value) AS pending_value,
         count(*) FILTER (WHERE i.kind = 'open_transfer') AS open_transfers,
         coalesce(sum(i.value) FILTER (WHERE i.kind = 'open_transfer'), 0) AS open_transfer_value,
         count(*) FILTER (WHERE i.kind = 'overdue_po') AS overdue_po_lines,
         coalesce(sum(i.value) FILTER (WHERE i.kind = 'overdue_po'), 0) AS overdue_po_value,
         count(*) FILTER (WHERE i.kind = 'ungraded_return') AS ungraded_returns,
         coalesce(sum(i.value) FILTER (WHERE i.kind = 'ungraded_return'), 0) AS ungraded_return_value,
         count(*) FILTER (WHERE i.kind = 'refund_without_return') AS refunds_without_return,
         coalesce(sum(i.value) FILTER (WHERE i.kind = 'refund_without_return'), 0) AS refund_without_return_value
  FROM mart_periods p
  JOIN mart_close_pending i
    ON i.origin_at >= CAST(p.period_start AS TIMESTAMPTZ) AND i.origin_at < CAST(p.period_end AS TIMESTAMPTZ)
  WHERE p.period_grain IN ('day', 'week', 'month') AND p.complete
  GROUP BY ALL
)
SELECT c.period_grain, c.period_start, c.period_end,
       CASE WHEN c.last_change_at IS NOT NULL AND c.quiet_days < l.close_quiet_days THEN 'moving'
            WHEN coalesce(p.pending_items, 0) > 0 THEN 'pending'
            ELSE 'settled' END AS status,
       c.days_to_settle, c.last_change_at, c.quiet_days, c.late_events, c.inventory_value_change, c.value_moved,
       c.revenue_change, c.refunds_change, c.margin_change,
       coalesce(p.pending_items, 0) AS pending_items, coalesce(p.pending_value, 0) AS pending_value,
       coalesce(p.open_transfers, 0) AS open_transfers, coalesce(p.open_transfer_value, 0) AS open_transfer_value,
       coalesce(p.overdue_po_lines, 0) AS overdue_po_lines, coalesce(p.overdue_po_value, 0) AS overdue_po_value,
       coalesce(p.ungraded_returns, 0) AS ungraded_returns,
       coalesce(p.ungraded_return_value, 0) AS ungraded_return_value,
       coalesce(p.refunds_without_return, 0) AS refunds_without_return,
       coalesce(p.refund_without_return_value, 0) AS refund_without_return_value
FROM mart_close_periods c
CROSS JOIN ledger_config l
LEFT JOIN pending p USING (period_grain, period_start)
WHERE c.complete
