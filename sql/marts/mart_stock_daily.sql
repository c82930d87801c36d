-- grain: one row per (day, node_id, category) with stock accounts, from the first business day to the clock:
-- end-of-day sellable units, stock accounts (sku × node from the account's first movement on) and accounts
-- with nothing sellable (sellable <= 0: stockouts, except at a returns centre, which sells nothing: its
-- empty accounts are not stockouts and stockout KPIs leave it out; node_type says which is which).
-- Computed from changes, not a dense account × day grid: each account contributes a row only on days its
-- end-of-day sellable balance changes (its delta in units, in "is out" and, on its first day, in accounts),
-- and running sums per (node, category) over the calendar rebuild every day's totals.
WITH days AS (SELECT period_start AS day FROM mart_periods WHERE period_grain = 'day'),
eod AS (
  -- the balance after the day's last posting in business time (a late event has a higher seq, not a later time)
  SELECT key_id, occurred_at::DATE AS day, arg_max(bucket_qty, (occurred_at, seq, posting_no)) AS qty
  FROM ledger_stock WHERE bucket = 'sellable' GROUP BY ALL
),
points AS (
  SELECT coalesce(e.key_id, k.key_id) AS key_id, coalesce(e.day, k.day) AS day, e.qty
  FROM eod e
  FULL JOIN (SELECT key_id, first_occurred_at::DATE AS day FROM ledger_keys) k ON k.key_id = e.key_id AND k.day = e.day
),
filled AS (
  SELECT key_id, day,
         coalesce(last_value(qty IGNORE NULLS) OVER (PARTITION BY key_id ORDER BY day
                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS qty
  FROM points
),
deltas AS (
  SELECT key_id, day,
         qty - coalesce(lag(qty) OVER w, 0) AS d_qty,
         CAST(qty <= 0 AS INTEGER) - coalesce(CAST(lag(qty) OVER w <= 0 AS INTEGER), 0) AS d_out,
         CASE WHEN lag(qty) OVER w IS NULL THEN 1 ELSE 0 END AS d_accounts
  FROM filled
  WINDOW w AS (PARTITION BY key_id ORDER BY day)
),
grouped AS (
  SELECT d.day, k.node_id, coalesce(i.category, 'uncategorised') AS category,
         sum(d.d_qty) AS d_qty, sum(d.d_out) AS d_out, sum(d.d_accounts) AS d_accounts
  FROM deltas d JOIN ledger_keys k USING (key_id) LEFT JOIN stg_items i USING (sku)
  GROUP BY ALL
),
grid AS (
  SELECT days.day, g.node_id, g.category FROM days CROSS JOIN (SELECT DISTINCT node_id, category FROM grouped) g
),
running AS (
  SELECT grid.day, grid.node_id, grid.category,
         sum(coalesce(g.d_qty, 0)) OVER w AS sellable,
         sum(coalesce(g.d_accounts, 0)) OVER w AS accounts,
         sum(coalesce(g.d_out, 0)) OVER w AS stockouts
  FROM grid LEFT JOIN grouped g USING (day, node_id, category)
  WINDOW w AS (PARTITION BY grid.node_id, grid.category ORDER BY grid.day)
)
SELECT r.day, r.node_id, coalesce(n.node_type, 'unknown') AS node_type, r.category,
       CAST(r.sellable AS BIGINT) AS sellable_units, CAST(r.accounts AS BIGINT) AS accounts,
       CAST(r.stockouts AS BIGINT) AS empty_accounts
FROM running r LEFT JOIN stg_nodes n USING (node_id)
WHERE r.accounts > 0
