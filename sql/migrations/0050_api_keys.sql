-- API keys of the HTTP server (`retailos keys create|list|revoke`, `/api/v1/keys`).
-- Only a SHA-256 of each key is stored: the key itself is shown once, when it is created.

-- grain: one row per key ever issued; key_id is the public part of the key (`rk_<key_id>_<secret>`)
CREATE TABLE api_keys (
  key_id      VARCHAR PRIMARY KEY,
  name        VARCHAR NOT NULL,           -- who or what uses it ("shopify-sync", "jane.doe")
  role        VARCHAR NOT NULL,           -- admin | executive | planner | warehouse | finance | analyst | integration
  key_hash    VARCHAR NOT NULL,           -- hex SHA-256 of the whole key
  created_at  TIMESTAMPTZ NOT NULL,
  revoked_at  TIMESTAMPTZ                 -- set once; a revoked key never works again
);
