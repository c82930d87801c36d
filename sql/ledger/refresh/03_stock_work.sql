-- grain: one row per (sku, node) account the valuation computes in this refresh, and from where:
--   append  – every new posting comes after the account's last computed one: continue from its stored state;
--   rebuild – a late posting (earlier in ledger order than what is computed), or its item master changed
--             (the opening cost): recompute the account from its first posting.
-- 04_stock_closure.sql then adds the accounts whose inflows reference postings that will change.
CREATE OR REPLACE TEMP TABLE lx_work AS
WITH touched AS (
  SELECT key_id, min((occurred_at, seq, posting_no)) AS first_pos FROM lx_new GROUP BY key_id
),
remastered AS (
  SELECT key_id FROM ledger_keys WHERE sku IN (SELECT sku FROM lx_ev WHERE type = 'item_upserted')
)
SELECT w.key_id,
       CASE WHEN s.key_id IS NULL THEN 'append'
            WHEN r.key_id IS NOT NULL THEN 'rebuild'
            WHEN t.first_pos > (s.last_occurred_at, s.last_seq, s.last_posting_no) THEN 'append'
            ELSE 'rebuild' END AS mode
FROM (SELECT key_id FROM touched UNION SELECT key_id FROM remastered) w
LEFT JOIN touched t USING (key_id)
LEFT JOIN remastered r USING (key_id)
LEFT JOIN ledger_stock_state s USING (key_id);
