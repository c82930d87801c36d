-- The append-only event log, the reject store and the record of ingest batches.
-- Everything that changes inventory or workflow state is a row of event_log;
-- every read model is derived from it.

-- grain: one row per landed batch (a file chunk, a request, a retry)
CREATE TABLE ingest_batches (
  batch_id     BIGINT PRIMARY KEY,
  source_kind  VARCHAR NOT NULL,          -- file | stdin | http | retry
  source_name  VARCHAR,                   -- file path, request id, …
  first_line   BIGINT,
  last_line    BIGINT,
  started_at   TIMESTAMPTZ NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL,
  accepted     INTEGER NOT NULL,
  duplicates   INTEGER NOT NULL,
  rejected     INTEGER NOT NULL
);

-- grain: one row per accepted event; event_id is unique (asserted in sql/tests)
CREATE TABLE event_log (
  seq          BIGINT NOT NULL,           -- arrival sequence: strictly increasing, never reused
  event_id     VARCHAR NOT NULL,          -- the sender's idempotency key
  type         VARCHAR NOT NULL,
  occurred_at  TIMESTAMPTZ NOT NULL,      -- business time (ledger order: occurred_at, then seq)
  received_at  TIMESTAMPTZ NOT NULL,
  source       VARCHAR,
  actor        VARCHAR,
  payload      VARCHAR NOT NULL,          -- the validated event as JSON text, keys in contract order
  batch_id     BIGINT NOT NULL,
  source_file  VARCHAR,                   -- file path, 'stdin' or request id
  source_line  BIGINT                     -- 1-based line (first line of a multi-row CSV event)
);

CREATE SEQUENCE reject_id_seq START 1;

-- grain: one row per input that was not accepted
CREATE TABLE rejected_events (
  reject_id    BIGINT PRIMARY KEY DEFAULT nextval('reject_id_seq'),
  batch_id     BIGINT,
  received_at  TIMESTAMPTZ NOT NULL,
  source_kind  VARCHAR,
  source_file  VARCHAR,
  source_line  BIGINT,
  event_id     VARCHAR,                   -- when the input had a readable one
  type         VARCHAR,
  reason       VARCHAR NOT NULL,          -- unreadable | invalid | conflict
  errors       JSON NOT NULL,             -- [{path, code, message}, …]
  raw          VARCHAR NOT NULL,          -- the input as read: the JSONL line, or the CSV/Parquet row(s) as JSON
  status       VARCHAR NOT NULL DEFAULT 'open',  -- open | resolved
  resolved_at  TIMESTAMPTZ,
  resolution   VARCHAR
);
