-- Anomalies, alerts, subscriptions, deliveries and job runs (issue 10, docs/alerts.md, docs/anomalies.md).

-- grain: one row per (metric, scope_kind, scope_id, day) scored by the anomaly detector; a re-run of the
-- detection replaces the rows of the days it scored.
CREATE TABLE anomalies (
  metric       VARCHAR NOT NULL,      -- sales_units | returns_units | shrink_units | refunds_amount | cancellation_rate | backlog_units
  scope_kind   VARCHAR NOT NULL,      -- node | channel | category | all
  scope_id     VARCHAR NOT NULL,
  day          DATE NOT NULL,
  value        DOUBLE NOT NULL,
  expected     DOUBLE NOT NULL,       -- the detector's forecast for the day (level + weekly profile)
  score        DOUBLE NOT NULL,       -- anomaly score in [0, 1] (0.5 while the series warms up)
  direction    VARCHAR NOT NULL,      -- up | down
  is_anomaly   BOOLEAN NOT NULL,      -- score >= the configured threshold
  run_id       VARCHAR NOT NULL,
  scored_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (metric, scope_kind, scope_id, day)
);

-- grain: one row per alert episode (alert_id unique): a rule's condition on one key, from the evaluation that
-- first saw it until the one that no longer does. Notifications go out when it opens or escalates, never
-- again while it stays at the same severity.
CREATE TABLE alerts (
  alert_id       VARCHAR PRIMARY KEY,
  rule_id        VARCHAR NOT NULL,
  kind           VARCHAR NOT NULL,      -- low_stock | delayed_inbound | inventory_mismatch | fulfilment_backlog | allocation_failures | anomaly
  condition_key  VARCHAR NOT NULL,      -- what the condition is about (e.g. sku@node), unique per rule among open alerts
  severity       VARCHAR NOT NULL,      -- info | warning | critical (the highest seen in the episode)
  role           VARCHAR NOT NULL,      -- the role it concerns
  node_id        VARCHAR,
  channel_id     VARCHAR,
  sku            VARCHAR,
  title          VARCHAR NOT NULL,
  detail         VARCHAR NOT NULL,
  impact         JSON NOT NULL,         -- what it puts at risk (stock cover, orders, channels, refunds …)
  metric_value   DOUBLE,
  threshold      DOUBLE,
  status         VARCHAR NOT NULL,      -- open | resolved
  opened_at      TIMESTAMPTZ NOT NULL,
  last_seen_at   TIMESTAMPTZ NOT NULL,
  escalated_at   TIMESTAMPTZ,
  resolved_at    TIMESTAMPTZ
);

-- grain: one row per subscription (subscription_id unique)
CREATE TABLE alert_subscriptions (
  subscription_id VARCHAR PRIMARY KEY,
  name            VARCHAR NOT NULL,
  spec            JSON NOT NULL,        -- the validated subscription (filters, channel, target, mode, quiet hours, throttle)
  created_by      VARCHAR,
  created_at      TIMESTAMPTZ NOT NULL,
  active          BOOLEAN NOT NULL DEFAULT true
);

-- grain: one row per notification attempt series (delivery_id unique): one alert (or digest) to one subscription
CREATE TABLE alert_deliveries (
  delivery_id     VARCHAR PRIMARY KEY,
  subscription_id VARCHAR NOT NULL,
  alert_ids       JSON NOT NULL,        -- one alert, or the alerts of a digest
  channel         VARCHAR NOT NULL,     -- webhook | email
  reason          VARCHAR NOT NULL,     -- opened | escalated | digest | test
  status          VARCHAR NOT NULL,     -- delivered | dead_letter | suppressed
  attempts        INTEGER NOT NULL,
  last_error      VARCHAR,
  created_at      TIMESTAMPTZ NOT NULL,
  finished_at     TIMESTAMPTZ
);

-- grain: one row per delivery that exhausted its retries (delivery_id unique); the payload to replay it
CREATE TABLE alert_dead_letters (
  delivery_id     VARCHAR PRIMARY KEY,
  subscription_id VARCHAR NOT NULL,
  channel         VARCHAR NOT NULL,
  payload         JSON NOT NULL,
  attempts        INTEGER NOT NULL,
  last_error      VARCHAR NOT NULL,
  dead_at         TIMESTAMPTZ NOT NULL
);

-- grain: one row per scheduled job run (run_id unique)
CREATE TABLE job_runs (
  run_id       VARCHAR PRIMARY KEY,
  job_id       VARCHAR NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL,
  finished_at  TIMESTAMPTZ,
  status       VARCHAR NOT NULL,      -- running | succeeded | failed | timed_out | skipped_overlap
  duration_ms  DOUBLE,
  error        VARCHAR
);
