-- `refresh --full --release-quarantine`: judge every quarantined event again (after a fix of the refresh
-- itself). Their open rejects are resolved; an event still unreadable is quarantined again with a new one.
UPDATE rejected_events
SET status = 'resolved', resolved_at = now(), resolution = 'released from the ledger quarantine'
WHERE reason = 'quarantined' AND status = 'open';

DELETE FROM ledger_quarantine;

-- released events may count for the business clock again
UPDATE business_clock_mark SET last_seq = 0, watermark_at = NULL WHERE id = 1;
