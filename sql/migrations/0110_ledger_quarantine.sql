-- The ledger's quarantine (issue 15, docs/ledger.md "Quarantine"): landed events the warehouse cannot apply
-- or read. The refresh never stops on one event: it puts the event here with its reason and applies the
-- rest. Every read model parses payloads through `stg_event_log`, which leaves these events out. The log
-- itself is never changed: a quarantined event stays in event_log, visible in rejected_events (reason
-- 'quarantined') and as an exception (quarantined_event).

-- grain: one row per quarantined event (seq unique)
CREATE TABLE ledger_quarantine (
  seq             BIGINT PRIMARY KEY,
  event_id        VARCHAR NOT NULL,
  type            VARCHAR NOT NULL,
  occurred_at     TIMESTAMPTZ NOT NULL,
  reason          VARCHAR NOT NULL,      -- malformed_payload | bad_field | missing_field | refresh_failed
  message         VARCHAR NOT NULL,      -- what is wrong, for a person
  quarantined_at  TIMESTAMPTZ NOT NULL
);

-- A warehouse from before the contract refused lone surrogates may hold payloads DuckDB cannot parse
-- ("Malformed JSON … no low surrogate"), also of types the ledger never reads (which a refresh would not
-- look at again): find them once, now, so no read model trips over them.
INSERT INTO ledger_quarantine
SELECT seq, event_id, type, occurred_at, 'malformed_payload',
       'the stored payload is not JSON the warehouse can read (e.g. a lone UTF-16 surrogate such as \ud800, '
       || 'accepted before the contract refused them)',
       now()
FROM event_log
WHERE NOT json_valid(payload);

INSERT INTO rejected_events (batch_id, received_at, source_kind, source_file, source_line, event_id, type,
                             reason, errors, raw)
SELECT e.batch_id, now(), 'ledger', e.source_file, e.source_line, e.event_id, e.type, 'quarantined',
       json_array(json_object('path', '', 'code', q.reason,
                              'message', 'seq ' || q.seq || ' quarantined by the ledger: ' || q.message)),
       e.payload
FROM ledger_quarantine q JOIN event_log e USING (seq)
ORDER BY q.seq;
