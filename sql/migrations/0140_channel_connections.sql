-- Channel connectors (issue 18, docs/channels.md): how each sales channel is reached, what was published to
-- it, and what keeps failing. Credentials live in `secrets` (src/secrets/store.ts), never here.

-- grain: one row per connected channel (channel_id unique). Analysts cannot read it (src/sandbox/allow-list.ts):
-- it names shops, endpoints and location mappings; `settings` never holds a credential.
CREATE TABLE channel_connections (
  channel_id   VARCHAR PRIMARY KEY,     -- the contract's channel_id (channel_upserted)
  platform     VARCHAR NOT NULL,        -- shopify | woocommerce | amazon | webhook
  settings     JSON NOT NULL,           -- the platform's validated settings (src/channels/connections.ts)
  secret_id    VARCHAR,                 -- 'sec-…' in secrets: the channel's credentials as JSON
  enabled      BOOLEAN NOT NULL DEFAULT true,  -- false: nothing is pushed (inbound webhooks still verify)
  created_by   VARCHAR,
  created_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL
);

-- grain: one row per quantity a push ended with (publication_id unique): published (the channel accepted it),
-- rejected (the channel refused this item; not retried until the quantity changes) or dead_letter (the push
-- kept failing; the quantity stays wanted and is caught up when the channel answers again). The contract's
-- read model `channel_publications` (EVENTS.md) is this table.
CREATE SEQUENCE channel_publication_seq START 1;
CREATE TABLE channel_publications (
  publication_id    BIGINT PRIMARY KEY DEFAULT nextval('channel_publication_seq'),
  channel_id        VARCHAR NOT NULL,
  sku               VARCHAR NOT NULL,
  location          VARCHAR NOT NULL DEFAULT '',  -- the channel's location (Shopify location gid) or '' for the whole channel
  node_id           VARCHAR,                       -- our node behind that location (per-location publishing)
  quantity          BIGINT NOT NULL,
  previous_quantity BIGINT,                        -- what the channel had from us before (null: first publication)
  published_at      TIMESTAMPTZ NOT NULL,          -- when the push ended (the channel answered, or we gave up)
  outcome           VARCHAR NOT NULL,              -- published | rejected | dead_letter
  attempts          INTEGER NOT NULL,
  accepted_at       TIMESTAMPTZ,                   -- the first event accepted since the last publication that changed this quantity
  latency_ms        DOUBLE,                        -- published_at − accepted_at (event accepted → channel updated)
  batch_id          VARCHAR NOT NULL,              -- one push (one request, or one feed)
  reason            VARCHAR,                       -- sync | fix_drift | retry | full
  error             VARCHAR                        -- the channel's refusal or the last failure (no URLs beyond origins)
);

-- grain: one row per (channel_id, sku, location): what the channel has from us now (the last published
-- quantity) and what it should have (wanted). The outbox is the rows where they differ. Bookkeeping: analysts
-- read channel_publications.
CREATE TABLE channel_sync_state (
  channel_id        VARCHAR NOT NULL,
  sku               VARCHAR NOT NULL,
  location          VARCHAR NOT NULL DEFAULT '',
  node_id           VARCHAR,
  published         BIGINT,                 -- null: never published
  published_at      TIMESTAMPTZ,
  wanted            BIGINT NOT NULL,
  changed_at        TIMESTAMPTZ,            -- accepted_at of the first event behind a wanted ≠ published (latency origin)
  next_changed_at   TIMESTAMPTZ,            -- a change that came while a push was in flight (the next latency origin)
  attempts          INTEGER NOT NULL DEFAULT 0,
  rejected_quantity BIGINT,                 -- the channel refused exactly this quantity: not retried until wanted changes
  last_error        VARCHAR,
  PRIMARY KEY (channel_id, sku, location)
);

-- grain: one row per channel with a connection: the outbound worker's progress and health.
CREATE TABLE channel_sync_status (
  channel_id        VARCHAR PRIMARY KEY,
  synced_seq        BIGINT NOT NULL DEFAULT 0,  -- event_log seq the wanted quantities reflect
  last_attempt_at   TIMESTAMPTZ,
  last_success_at   TIMESTAMPTZ,
  failing_since     TIMESTAMPTZ,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   TIMESTAMPTZ,                -- backoff: no push before this (throttled, 429, down)
  last_error        VARCHAR,
  last_drift_check_at TIMESTAMPTZ
);

-- grain: one row per (channel_id, sku, location) where the channel shows something other than what we last
-- published, per drift check (drift_id unique). Open until the channel shows our quantity again (a fix, or
-- a later publication), then resolved with cleared_at.
CREATE SEQUENCE channel_drift_seq START 1;
CREATE TABLE channel_drift (
  drift_id          BIGINT PRIMARY KEY DEFAULT nextval('channel_drift_seq'),
  channel_id        VARCHAR NOT NULL,
  sku               VARCHAR NOT NULL,
  location          VARCHAR NOT NULL DEFAULT '',
  published         BIGINT NOT NULL,        -- what we last published
  observed          BIGINT,                 -- what the channel showed (null: the item is gone from the channel)
  detected_at       TIMESTAMPTZ NOT NULL,
  last_seen_at      TIMESTAMPTZ NOT NULL,
  cleared_at        TIMESTAMPTZ,
  status            VARCHAR NOT NULL,       -- open | resolved
  resolution        VARCHAR                 -- fixed (we pushed ours again) | republished | matched
);

-- grain: one row per (channel_id, sku) the channel knows: its own id for the item (a Shopify inventory item
-- gid, a WooCommerce product or variation id), looked up by sku once and kept. A sku the channel does not
-- list has no row (its quantities are recorded as rejected: unknown on the channel).
CREATE TABLE channel_items (
  channel_id   VARCHAR NOT NULL,
  sku          VARCHAR NOT NULL,
  remote_id    VARCHAR NOT NULL,
  parent_id    VARCHAR,                 -- WooCommerce: the parent product of a variation
  resolved_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (channel_id, sku)
);
