-- Inbound channel webhooks (issue 18, docs/channels.md "Inbound"): every signed delivery is stored here
-- before it is answered, then mapped to contract events. A delivery answered 2xx is never lost: one stored
-- but not yet mapped (a crash in between) is mapped when the server starts again.

-- grain: one row per delivery (channel_id, platform, delivery_id unique). Analysts cannot read it
-- (src/sandbox/allow-list.ts): bodies hold customers' names and addresses.
CREATE TABLE channel_deliveries (
  delivery_key  VARCHAR PRIMARY KEY,     -- channel_id / platform / delivery_id
  channel_id    VARCHAR NOT NULL,
  platform      VARCHAR NOT NULL,        -- shopify | woocommerce
  delivery_id   VARCHAR NOT NULL,        -- X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID (else a hash of the body)
  topic         VARCHAR NOT NULL,        -- orders/create, order.updated, …
  received_at   TIMESTAMPTZ NOT NULL,
  body          VARCHAR NOT NULL,        -- the signed body as received
  status        VARCHAR NOT NULL,        -- pending | mapped | ignored | failed
  attempts      INTEGER NOT NULL DEFAULT 0,
  mapped_at     TIMESTAMPTZ,
  events        INTEGER,                 -- contract events it mapped to (accepted or duplicates)
  rejects       INTEGER,                 -- rejects it produced (in rejected_events, source_file = its reference)
  error         VARCHAR                  -- why mapping failed (status failed; retried on restart)
);
