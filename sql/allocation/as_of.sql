-- The allocator's default business time: the business clock (sql/ledger/business_clock.sql), so allocations and
-- their exceptions are never dated after it. NULL on an empty warehouse (nothing to allocate).
SELECT epoch_ms(c.clock_at) AS as_of_ms
FROM business_clock c
WHERE EXISTS (SELECT 1 FROM event_log)
