-- Recovery rates per return disposition, in the warehouse so SQL (mart_returns, mart_returns_recovery) and the
-- tools share one set of numbers (issue 20). Seeded with the shipped defaults of config/returns.json.
-- grain: one row per disposition of the event contract.
CREATE TABLE returns_recovery_rates (
  disposition    VARCHAR PRIMARY KEY,
  recovery_rate  DOUBLE NOT NULL CHECK (recovery_rate BETWEEN 0 AND 1),  -- share of the cost value recovered
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO returns_recovery_rates (disposition, recovery_rate) VALUES
  ('restock', 1), ('refurbish', 0.7), ('liquidate', 0.4), ('return_to_vendor', 0.9), ('write_off', 0);
