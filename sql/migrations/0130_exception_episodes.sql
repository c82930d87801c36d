-- Exceptions as episodes (docs/ledger.md, "exceptions"; issue 16). The conditions on a running balance of the
-- ledger (oversell, negative stock, damaged stock awaiting a disposition) are kept as episodes, each from the
-- event that opened it to the event that cleared it, in event time. Derived from ledger_stock and
-- ledger_reservations by the refresh (sql/ledger/refresh/11_episodes.sql), for the accounts each refresh
-- touches; a full rebuild gives the same rows. The `exceptions` read model (sql/marts/exceptions.sql) lists
-- them beside the conditions it derives on read.

-- grain: one row per episode: (episode_type, sku, node_id, bucket, opened_at, opened_seq) unique.
-- An episode opens with the event after which its balance meets the condition and clears with the first event
-- after which it no longer does (cleared_* NULL: still open). Balances are those after each event (all of an
-- event's postings applied together: a shipment takes sellable and its reservation at once).
CREATE TABLE ledger_episodes (
  episode_type  VARCHAR NOT NULL,      -- oversell (available < 0) | negative_stock (bucket < 0) | damaged_stock (damaged > 0)
  sku           VARCHAR NOT NULL,
  node_id       VARCHAR NOT NULL,
  bucket        VARCHAR NOT NULL,      -- the balance watched: a bucket (incl. in_transit), or 'available' for oversell
  opened_at     TIMESTAMPTZ NOT NULL,  -- business time of the event that opened it
  opened_seq    BIGINT NOT NULL,       -- ... and its seq (ledger order among equal times)
  opened_by     VARCHAR NOT NULL,      -- that event's type
  cleared_at    TIMESTAMPTZ,           -- business time of the event that cleared it (NULL: open)
  cleared_seq   BIGINT,
  cleared_by    VARCHAR,               -- that event's type (e.g. order_cancelled, receipt)
  peak_qty      BIGINT NOT NULL,       -- the worst balance during the episode: the lowest (oversell, negative_stock)
                                       -- or the highest (damaged_stock); oversell units = -peak_qty
  order_id      VARCHAR,               -- oversell: the order line whose claim was the most recent one still
  line_id       VARCHAR                -- reserved when it opened (the promise left without stock)
);

-- grain: one row (id = 1). built = false until a refresh has derived ledger_episodes for every account: a
-- warehouse whose ledger was refreshed before this migration gets them from its next refresh (or at once from
-- `retailos refresh --full`).
CREATE TABLE ledger_episode_status (
  id     INTEGER NOT NULL,
  built  BOOLEAN NOT NULL
);
INSERT INTO ledger_episode_status VALUES (1, false);
