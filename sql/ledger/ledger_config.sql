-- grain: exactly one row: the ledger settings (table ledger_settings), typed. `clock` is the business "now"
-- of overdue checks, ATP and ageing: the business clock in force (business_clock.sql: pinned, watermark or wall).
SELECT
  coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'count_tolerance_units') AS DOUBLE), 0) AS count_tolerance_units,
  coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'count_tolerance_pct') AS DOUBLE), 0) AS count_tolerance_pct,
  coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'transfer_default_days') AS INTEGER), 7) AS transfer_default_days,
  coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'aged_stock_days') AS INTEGER), 90) AS aged_stock_days,
  coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'atp_horizon_days') AS INTEGER), 60) AS atp_horizon_days,
  coalesce(TRY_CAST(max(value) FILTER (WHERE key = 'stockout_window_days') AS INTEGER), 28) AS stockout_window_days,
  (SELECT clock_at FROM business_clock) AS clock
FROM ledger_settings
