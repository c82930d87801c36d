-- The allocator's default business time: the latest event's occurred_at, never later than now
-- (a future-dated event must not move every promise). NULL on an empty warehouse.
SELECT epoch_ms(least(max(occurred_at), now())) AS as_of_ms
FROM event_log
