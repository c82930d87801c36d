-- grain: one row (id = 1): how far the server's operations pipeline (ledger refresh, then allocation) has
-- looked at the event log, so a batch of prices or sales does not trigger a full allocation run.
CREATE TABLE allocation_pipeline_mark (
  id         INTEGER PRIMARY KEY,
  last_seq   BIGINT NOT NULL,
  marked_at  TIMESTAMPTZ NOT NULL
);
