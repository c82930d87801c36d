-- grain: one row per event of event_log the warehouse can read: every landed event except those the ledger
-- quarantined (ledger_quarantine, docs/ledger.md "Quarantine"). Read models and queries that parse payloads
-- read events from here, never from event_log itself, so one unreadable event cannot break them.
SELECT *
FROM event_log
WHERE seq NOT IN (SELECT seq FROM ledger_quarantine)
