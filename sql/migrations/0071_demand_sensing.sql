-- Demand sensing as a read model for replenishment and exceptions (docs/forecasting.md). demand_signals
-- (0070) keeps every run; these columns say by how much demand runs above plan, what the ledger covers
-- (available now + inbound arriving within the cover window) and what the shortfall is worth, and when the
-- episode opened, so a series flagged run after run keeps one opened_at (a stable exception id).
ALTER TABLE demand_signals ADD COLUMN excess_units DOUBLE;      -- actual_units − planned_units over the window
ALTER TABLE demand_signals ADD COLUMN cover_days INTEGER;       -- days ahead next_demand and cover_units span
ALTER TABLE demand_signals ADD COLUMN available_units DOUBLE;   -- max(available, 0) now (channel: channel_availability)
ALTER TABLE demand_signals ADD COLUMN inbound_units DOUBLE;     -- transfers + open POs due within cover_days
ALTER TABLE demand_signals ADD COLUMN unit_price DOUBLE;        -- selling price at the origin (else list price)
ALTER TABLE demand_signals ADD COLUMN revenue_at_risk DOUBLE;   -- shortfall_units × unit_price (NULL without a ledger)
ALTER TABLE demand_signals ADD COLUMN opened_at TIMESTAMPTZ;    -- start of the episode (first flagged window's start)

-- grain: one row per (series_kind, sku, node_id | channel_id) flagged by the latest scoring run
CREATE VIEW demand_sensing AS
SELECT s.*, r.model_version, r.origin_date
FROM demand_signals s
JOIN forecast_runs r USING (run_id)
WHERE s.run_id = (SELECT max(run_id) FROM forecast_runs);

-- grain: one row per flagged series of the latest run, in the shape of the ledger's `exceptions` read model
-- (sql/marts/exceptions.sql), so the exceptions owner can `UNION ALL BY NAME SELECT * FROM
-- demand_sensing_exceptions`. qty = units sold above plan in the window; value = revenue at risk.
CREATE VIEW demand_sensing_exceptions AS
SELECT
  'demand_above_plan' AS exception_type,
  severity,
  sku,
  node_id,
  CAST(NULL AS VARCHAR) AS order_id,
  CAST(NULL AS VARCHAR) AS po_id,
  CAST(NULL AS VARCHAR) AS transfer_id,
  CAST(NULL AS VARCHAR) AS event_id,
  coalesce(opened_at, CAST(window_start AS TIMESTAMPTZ)) AS opened_at,
  json_object(
    'channel_id', channel_id, 'driver', driver, 'uplift_pct', uplift_pct, 'shortfall_units', shortfall_units,
    'cover_units', cover_units, 'next_demand', next_demand, 'cover_days', cover_days,
    'run_id', run_id, 'model_version', model_version
  ) AS detail,
  excess_units AS qty,
  revenue_at_risk AS value
FROM demand_sensing;
