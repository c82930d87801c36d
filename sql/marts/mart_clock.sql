-- grain: exactly one row: the business "now" every mart, page and KPI is as of (as_of), and why. It is the
-- business clock (sql/ledger/business_clock.sql: pinned with `retailos settings clock`, the wall clock for live
-- data, the event-time watermark of historical or replayed data); this view only names it for the marts.
SELECT clock_at AS as_of, mode AS source, watermark_at AS watermark FROM business_clock
