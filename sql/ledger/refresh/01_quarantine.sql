-- Quarantine the new events the ledger cannot apply (lx_bad, from 01_parse; or one event the refresh isolated
-- after a failure, docs/ledger.md "Quarantine"): recorded in ledger_quarantine, which every read model leaves
-- out (stg_event_log), and listed in rejected_events (reason 'quarantined', raw = the stored payload).
-- Both inserts skip what is already there, so a full refresh re-finding an event adds nothing.
INSERT INTO ledger_quarantine
SELECT seq, event_id, type, occurred_at, reason, message, now()
FROM lx_bad
WHERE seq NOT IN (SELECT seq FROM ledger_quarantine);

INSERT INTO rejected_events (batch_id, received_at, source_kind, source_file, source_line, event_id, type,
                             reason, errors, raw)
SELECT e.batch_id, now(), 'ledger', e.source_file, e.source_line, e.event_id, e.type, 'quarantined',
       json_array(json_object('path', '', 'code', q.reason,
                              'message', 'seq ' || q.seq || ' quarantined by the ledger: ' || q.message)),
       e.payload
FROM ledger_quarantine q JOIN event_log e USING (seq)
WHERE q.seq IN (SELECT seq FROM lx_bad)
  AND NOT EXISTS (SELECT 1 FROM rejected_events r WHERE r.reason = 'quarantined' AND r.status = 'open'
                                                 AND r.event_id = q.event_id)
ORDER BY q.seq;

-- The business clock's watermark cache (business_clock_mark) may count these events' business times (a sale of
-- 2124 landed before the window existed): forget it, so the next reading recomputes it without them.
UPDATE business_clock_mark SET last_seq = 0, watermark_at = NULL WHERE id = 1;
