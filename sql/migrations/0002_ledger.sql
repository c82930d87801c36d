-- The unified inventory ledger's stored state (docs/ledger.md). Every table here is derived from
-- event_log by `refreshLedger` (src/ledger/refresh.ts) and can be rebuilt from it (`retailos refresh --full`);
-- nothing else writes them. Read models over them live in sql/ledger and sql/marts.

-- grain: one row per setting key. Tunables of the ledger's read models (exceptions, ATP, KPIs).
CREATE TABLE ledger_settings (
  key          VARCHAR NOT NULL,
  value        VARCHAR NOT NULL,
  description  VARCHAR
);
INSERT INTO ledger_settings VALUES
  ('count_tolerance_units', '2', 'inventory_mismatch: a cycle-count variance of at most this many units is tolerated'),
  ('count_tolerance_pct', '5', 'inventory_mismatch: ... or of at most this percent of the ledger quantity'),
  ('transfer_default_days', '7', 'transfer_overdue / ATP: days in transit assumed when a transfer has no expected_at'),
  ('aged_stock_days', '90', 'markdown exposure: on-hand stock with no sale in this many days is aged'),
  ('atp_horizon_days', '60', 'available_to_promise: days from today'),
  ('stockout_window_days', '28', 'KPIs: trailing window of the stockout rate, sell-through and weeks of supply'),
  ('clock', '', 'business "now" of overdue checks, ATP and aged stock (a timestamp); empty = the wall clock');

-- grain: one row (id = 1): how far event_log has been applied to the ledger
CREATE TABLE ledger_watermark (
  id             INTEGER NOT NULL,
  last_seq       BIGINT NOT NULL,      -- every event with seq <= last_seq is in the ledger
  refreshed_at   TIMESTAMPTZ,
  last_mode      VARCHAR,              -- incremental | full
  last_events    BIGINT,               -- events applied by the last refresh
  last_closure_rounds INTEGER          -- dependency-closure rounds of the last refresh (see docs/ledger.md)
);
INSERT INTO ledger_watermark VALUES (1, 0, NULL, NULL, 0, 0);

-- grain: one row per (sku, node_id) stock account holder; key_id is a compact surrogate
CREATE TABLE ledger_keys (
  key_id             INTEGER NOT NULL,
  sku                VARCHAR NOT NULL,
  node_id            VARCHAR NOT NULL,
  first_occurred_at  TIMESTAMPTZ NOT NULL     -- earliest business time of any of its postings
);

-- grain: one row per stock posting: (event seq, posting_no) unique. One posting moves `qty` units into
-- (negative: out of) the bucket `bucket` of (sku, node) = key_id; its counter-account is `counter`
-- (an external account, or 'internal' when the other side is a posting of the same event).
-- Base columns come from the event; computed columns (marked *) are filled by the valuation.
CREATE TABLE ledger_stock (
  key_id         INTEGER NOT NULL,
  occurred_at    TIMESTAMPTZ NOT NULL,
  seq            BIGINT NOT NULL,
  posting_no     SMALLINT NOT NULL,
  event_type     VARCHAR NOT NULL,
  bucket         VARCHAR NOT NULL,         -- sellable | damaged | quarantine | repair | returns_pending | in_transit
  counter        VARCHAR NOT NULL,         -- supplier | customer | shrink | write_off | count_variance | vendor_return | adjustment | internal
  costing        VARCHAR NOT NULL,         -- cost (receipt) | transfer | return (inflows at a carried cost) | avg | pair (same-node move)
  qty            BIGINT NOT NULL,          -- * signed units (for a cycle count: the variance)
  counted_qty    BIGINT,                   -- cycle counts: the counted quantity
  system_qty     BIGINT,                   -- * cycle counts: the ledger quantity just before the count
  unit_cost      DOUBLE,                   -- receipts: the event's unit_cost
  inflow_value   DECIMAL(38, 2),           -- * costed inflows: the value booked from the counter-account
  value          DECIMAL(38, 2) NOT NULL,  -- * change of the (sku, node) inventory value
  variance_value DECIMAL(38, 2) NOT NULL,  -- * part of `value` posted to cost_variance (rounding, negative-stock revaluation)
  avg_unit_cost  DOUBLE,                   -- * moving-average unit cost of (sku, node) after the posting
  bucket_qty     BIGINT NOT NULL,          -- * balance of the bucket after the posting
  pool_qty       BIGINT NOT NULL,          -- * units of (sku, node) in all buckets incl. in_transit after the posting
  reason         VARCHAR,                  -- adjustment reason / return disposition / transfer direction
  order_id       VARCHAR,
  line_id        VARCHAR,
  transfer_id    VARCHAR,
  po_id          VARCHAR,
  return_id      VARCHAR,
  peer_node_id   VARCHAR,                  -- transfers: the other node
  peer_key_id    INTEGER,                  -- transfers: the other side's key_id (sku, peer_node_id)
  due_at         TIMESTAMPTZ,              -- transfer_shipped (destination side): expected arrival
  unit_price     DOUBLE                    -- pos_sale: the sale price
);

-- grain: one row per key_id: the stock state after its last posting (the snapshot incremental refresh continues from)
CREATE TABLE ledger_stock_state (
  key_id           INTEGER NOT NULL,
  last_occurred_at TIMESTAMPTZ NOT NULL,
  last_seq         BIGINT NOT NULL,
  last_posting_no  SMALLINT NOT NULL,
  sellable         BIGINT NOT NULL,
  damaged          BIGINT NOT NULL,
  quarantine       BIGINT NOT NULL,
  repair           BIGINT NOT NULL,
  returns_pending  BIGINT NOT NULL,
  in_transit       BIGINT NOT NULL,
  pool_qty         BIGINT NOT NULL,
  avg_unit_cost    DOUBLE,
  pool_value       DECIMAL(38, 2) NOT NULL
);

-- grain: one row per order-family event (and per line for none): allocated, allocation_released, picked,
-- shipped, order_cancelled. The reservation ledger's input.
CREATE TABLE ledger_order_events (
  seq          BIGINT NOT NULL,
  occurred_at  TIMESTAMPTZ NOT NULL,
  event_type   VARCHAR NOT NULL,
  order_id     VARCHAR NOT NULL,
  line_id      VARCHAR,                    -- NULL: order_cancelled for the whole order
  node_id      VARCHAR,
  sku          VARCHAR,
  qty          BIGINT
);

-- grain: one row per change of a reservation: (seq, posting_no) unique. qty is the signed change of
-- `reserved` at (sku, node_id) for order line (order_id, line_id); the counter-account is order_claims.
CREATE TABLE ledger_reservations (
  seq          BIGINT NOT NULL,
  posting_no   SMALLINT NOT NULL,
  occurred_at  TIMESTAMPTZ NOT NULL,
  event_type   VARCHAR NOT NULL,
  order_id     VARCHAR NOT NULL,
  line_id      VARCHAR NOT NULL,
  node_id      VARCHAR NOT NULL,
  sku          VARCHAR NOT NULL,
  qty          BIGINT NOT NULL
);

-- grain: one row per procurement event line: po_created lines, receipts with a po_id, po_updated, po_cancelled
CREATE TABLE ledger_po_events (
  seq          BIGINT NOT NULL,
  occurred_at  TIMESTAMPTZ NOT NULL,
  event_type   VARCHAR NOT NULL,
  po_id        VARCHAR NOT NULL,
  line_id      VARCHAR,
  sku          VARCHAR,
  qty          BIGINT,
  unit_cost    DOUBLE,
  node_id      VARCHAR,                    -- po_created: the receiving node; receipt: where it was received
  supplier_id  VARCHAR,
  expected_at  TIMESTAMPTZ
);

-- grain: one row per change of an open purchase quantity: (seq, posting_no) unique. qty is the signed change
-- of `on_order` at (sku, node_id) for (po_id, sku); the counter-account is supplier_orders.
CREATE TABLE ledger_po_movements (
  seq          BIGINT NOT NULL,
  posting_no   SMALLINT NOT NULL,
  occurred_at  TIMESTAMPTZ NOT NULL,
  event_type   VARCHAR NOT NULL,
  po_id        VARCHAR NOT NULL,
  sku          VARCHAR NOT NULL,
  node_id      VARCHAR NOT NULL,
  qty          BIGINT NOT NULL
);

-- grain: one row per (sku, node_id): reserved and on_order now (maintained by deltas of the two tables above)
CREATE TABLE ledger_memo_state (
  sku       VARCHAR NOT NULL,
  node_id   VARCHAR NOT NULL,
  reserved  BIGINT NOT NULL,
  on_order  BIGINT NOT NULL
);

-- grain: one row per exception someone acted on: its workflow status (absent = open)
CREATE TABLE exception_status (
  exception_id VARCHAR NOT NULL,
  status       VARCHAR NOT NULL,          -- acknowledged | resolved
  note         VARCHAR,
  actor        VARCHAR,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
