-- The allocator's own records (docs/allocation.md). Its decisions are events (`allocated`,
-- `allocation_released`) in event_log like everything else; these tables keep what events do not carry:
-- the record of each run, why each line went where it went, the exceptions the allocator opened (until the
-- exception workflow, issue 8, owns exceptions), and substitution offers with their decisions.

-- grain: one row per allocator run (run_id unique)
CREATE TABLE allocation_runs (
  run_id             VARCHAR NOT NULL,
  started_at         TIMESTAMPTZ NOT NULL,
  finished_at        TIMESTAMPTZ NOT NULL,
  as_of              TIMESTAMPTZ NOT NULL,     -- business time of the run: allocations ship on its day
  trigger            VARCHAR NOT NULL,         -- cli | api | server | demo | substitution
  strategy           VARCHAR NOT NULL,         -- the strategy that decided (auto/optimal, greedy, …)
  dry_run            BOOLEAN NOT NULL,
  lines              INTEGER NOT NULL,         -- open lines considered (held lines not included)
  units_open         BIGINT NOT NULL,
  units_allocated    BIGINT NOT NULL,
  units_on_time      BIGINT NOT NULL,
  units_backordered  BIGINT NOT NULL,
  units_released     BIGINT NOT NULL,
  cost               DOUBLE NOT NULL,          -- fulfilment cost of this run's allocations
  events_landed      INTEGER NOT NULL,
  batch_id           BIGINT,                   -- the ingest batch that landed the run's events
  summary            JSON NOT NULL             -- stats, solver stats, disruption report
);

-- grain: one row per (run_id, order_id, line_id): the decision on one open line and its reasons
CREATE TABLE allocation_explanations (
  run_id         VARCHAR NOT NULL,
  order_id       VARCHAR NOT NULL,
  line_id        VARCHAR NOT NULL,
  sku            VARCHAR NOT NULL,
  as_of          TIMESTAMPTZ NOT NULL,
  outcome        VARCHAR NOT NULL,             -- allocated | late | partial | backordered | held
  open_qty       INTEGER NOT NULL,
  allocated_qty  INTEGER NOT NULL,
  on_time_qty    INTEGER NOT NULL,
  explanation    JSON NOT NULL                 -- chosen nodes, candidates (cost, promise, room), exclusions, reasons
);

-- grain: one row per exception (exception_id unique: <type>:<order_id>:<line_id>). Columns follow the
-- contract's `exceptions` read model so issue 8 can union this table into it.
CREATE TABLE allocation_exceptions (
  exception_id    VARCHAR NOT NULL,
  exception_type  VARCHAR NOT NULL,            -- promise_at_risk | backorder | substitution_offered
  severity        VARCHAR NOT NULL,            -- low | medium | high
  sku             VARCHAR,
  node_id         VARCHAR,
  order_id        VARCHAR NOT NULL,
  line_id         VARCHAR NOT NULL,
  po_id           VARCHAR,
  opened_at       TIMESTAMPTZ NOT NULL,
  status          VARCHAR NOT NULL,            -- open | resolved
  resolved_at     TIMESTAMPTZ,
  resolution      VARCHAR,
  run_id          VARCHAR NOT NULL,            -- the run that last opened or updated it
  detail          JSON NOT NULL
);

-- grain: one row per (order_id, line_id, substitute_sku) offered; at most one accepted per line
CREATE TABLE allocation_substitutions (
  order_id        VARCHAR NOT NULL,
  line_id         VARCHAR NOT NULL,
  ordered_sku     VARCHAR NOT NULL,
  substitute_sku  VARCHAR NOT NULL,
  offer_rank      INTEGER NOT NULL,
  offered_at      TIMESTAMPTZ NOT NULL,
  run_id          VARCHAR NOT NULL,
  status          VARCHAR NOT NULL,            -- offered | accepted | declined
  decided_at      TIMESTAMPTZ,
  actor           VARCHAR,
  detail          JSON NOT NULL
);
