-- Credentials the platform holds in clear to act for its users, apart from every relation analysts can
-- read (src/secrets/store.ts; the SQL sandbox's allow-list leaves this table out, and its plan check
-- refuses any scan of it). Readable rows keep the secret's id.

-- grain: one row per secret (secret_id unique)
CREATE TABLE secrets (
  secret_id   VARCHAR PRIMARY KEY,      -- 'sec-…': what the owning row keeps as its reference
  purpose     VARCHAR NOT NULL,         -- what it is for: alert_subscription.webhook, …
  owner_id    VARCHAR,                  -- the row it belongs to (subscription_id, …)
  value       VARCHAR NOT NULL,         -- the secret; JSON text for structured credentials
  created_at  TIMESTAMPTZ NOT NULL
);

-- Webhook subscriptions made before kept their URL (which can itself be a bearer token, as Slack's are)
-- and their HMAC signing secret in alert_subscriptions.spec: move both here, and leave the URL's origin
-- (scheme, host, port; no user info, path or query) and a reference.
INSERT INTO secrets (secret_id, purpose, owner_id, value, created_at)
SELECT 'sec-' || subscription_id, 'alert_subscription.webhook', subscription_id,
       json_object('url', spec->>'$.webhook.url', 'secret', spec->>'$.webhook.secret')::VARCHAR, now()
FROM alert_subscriptions
WHERE spec->>'$.webhook.url' IS NOT NULL;

UPDATE alert_subscriptions
SET spec = json_merge_patch(spec, json_object('webhook', json_object(
      'origin', regexp_replace(spec->>'$.webhook.url', '^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*@)?([^/?#]*).*$', '\1\3'),
      'credentials', 'sec-' || subscription_id,
      'url', NULL,
      'secret', NULL)))
WHERE spec->>'$.webhook.url' IS NOT NULL;

-- Delivery errors named the whole URL ("webhook https://…/token answered 500"): keep only origins.
UPDATE alert_deliveries
SET last_error = regexp_replace(last_error, '([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\s]*@)?([^/?#\s]*)[^\s]*', '\1\3', 'g')
WHERE last_error LIKE '%://%';

UPDATE alert_dead_letters
SET last_error = regexp_replace(last_error, '([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\s]*@)?([^/?#\s]*)[^\s]*', '\1\3', 'g')
WHERE last_error LIKE '%://%';
