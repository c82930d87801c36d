-- Replenishment recommendations (docs/replenishment.md). A plan run proposes purchase orders (grouped by
-- supplier × node) and transfers; each moves proposed → approved → ordered, or → rejected; a newer plan
-- marks the proposals it replaces superseded. Nothing is ordered without an approval (a human's, or the
-- policy's auto-approval under its value limit). The supplier read models are views made by the code from
-- sql/replenishment/ (supplier_po_history, supplier_performance, supplier_performance_monthly).

-- grain: one row per plan run
CREATE TABLE replenishment_runs (
  run_id           VARCHAR PRIMARY KEY,
  as_of            TIMESTAMPTZ NOT NULL,     -- business time the plan was made for
  created_at       TIMESTAMPTZ NOT NULL,
  demand_source    VARCHAR NOT NULL,         -- forecast | baseline | mixed
  config           JSON NOT NULL,            -- the validated policy config
  positions        INTEGER NOT NULL,         -- sku × node positions planned
  recommendations  INTEGER NOT NULL
);

-- grain: one row per recommendation (recommendation_id unique)
CREATE TABLE replenishment_recommendations (
  recommendation_id   VARCHAR PRIMARY KEY,
  run_id              VARCHAR NOT NULL,
  created_at          TIMESTAMPTZ NOT NULL,
  kind                VARCHAR NOT NULL,      -- purchase_order | transfer
  status              VARCHAR NOT NULL,      -- proposed | approved | ordered | rejected | superseded
  supplier_id         VARCHAR,               -- purchase orders
  from_node_id        VARCHAR,               -- transfers
  node_id             VARCHAR NOT NULL,      -- where the units go
  skus                INTEGER NOT NULL,
  qty                 BIGINT NOT NULL,
  cost                DOUBLE NOT NULL,       -- purchase value, or transfer freight
  expected_arrival    DATE NOT NULL,
  explanation         VARCHAR NOT NULL,      -- plain language
  lines               JSON NOT NULL,         -- per sku: qty, unit cost, levels, demand, lead time, stock curves
  approval_request_id VARCHAR,               -- the workflow's request, when the workflow module handles it
  decided_by          VARCHAR,
  decided_at          TIMESTAMPTZ,
  decision_reason     VARCHAR,
  ordered_ref         VARCHAR                -- the po_id / transfer_id issued
);
