-- Demand forecasts and demand-sensing signals (docs/forecasting.md). Written by `retailos forecast predict`
-- (src/ml/warehouse); every run is kept, so forecasts can be checked against what happened.

-- grain: one row per scoring run
CREATE TABLE forecast_runs (
  run_id         BIGINT PRIMARY KEY,
  model_version  VARCHAR NOT NULL,     -- the model card id (models/<id>.json)
  origin_date    DATE NOT NULL,        -- last day of history the run used
  horizon        INTEGER NOT NULL,
  series         INTEGER NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- grain: one row per (run_id, series_kind, sku, node_id | channel_id, forecast_date)
CREATE TABLE forecast_history (
  run_id         BIGINT NOT NULL,
  series_kind    VARCHAR NOT NULL,     -- node (sku × node) | channel (sku × channel)
  sku            VARCHAR NOT NULL,
  node_id        VARCHAR,
  channel_id     VARCHAR,
  forecast_date  DATE NOT NULL,
  horizon        INTEGER NOT NULL,     -- days after origin_date
  mean           DOUBLE NOT NULL,      -- expected units
  p10            DOUBLE NOT NULL,      -- 10% quantile
  p50            DOUBLE NOT NULL,      -- median
  p90            DOUBLE NOT NULL       -- 90% quantile (safety stock reads the spread)
);

-- grain: one row per (series_kind, sku, node_id | channel_id, forecast_date) of the latest run
CREATE VIEW forecasts AS
SELECT h.series_kind, h.sku, h.node_id, h.channel_id, h.forecast_date, h.horizon, h.mean, h.p10, h.p50, h.p90,
  r.model_version, r.origin_date, r.run_id
FROM forecast_history h
JOIN forecast_runs r USING (run_id)
WHERE h.run_id = (SELECT max(run_id) FROM forecast_runs);

-- grain: one row per (run_id, series_kind, sku, node_id | channel_id) flagged by demand sensing
CREATE TABLE demand_signals (
  run_id            BIGINT NOT NULL,
  series_kind       VARCHAR NOT NULL,
  sku               VARCHAR NOT NULL,
  node_id           VARCHAR,
  channel_id        VARCHAR,
  window_start      DATE NOT NULL,     -- the recent days compared
  window_end        DATE NOT NULL,
  actual_units      DOUBLE NOT NULL,   -- sold in the window
  planned_units     DOUBLE NOT NULL,   -- what the forecast made before the window expected
  upper_units       DOUBLE NOT NULL,   -- its 90% quantile over the window
  uplift_pct        DOUBLE NOT NULL,   -- actual / planned − 1
  promo_days        INTEGER NOT NULL,  -- days of the window with a promotion running
  driver            VARCHAR NOT NULL,  -- promotion | other
  next_demand       DOUBLE NOT NULL,   -- forecast units over the cover window from this run, scaled by the uplift
  cover_units       DOUBLE,            -- on hand + inbound (ledger positions), NULL without a ledger
  shortfall_units   DOUBLE,            -- max(0, next_demand − cover_units)
  severity          VARCHAR NOT NULL   -- low | medium | high
);
