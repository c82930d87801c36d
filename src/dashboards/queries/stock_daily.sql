-- grain: one row per (day, node_id, category): end-of-day sellable units, stock accounts (sku × node from the
-- account's first movement on), accounts with no sellable stock (stockouts) and units sold that day.
-- Computed from changes, not a dense account × day grid: each account contributes a row only on days its
-- end-of-day sellable balance changes (its delta in units, in "is out" and, on its first day, in accounts),
-- and running sums per (node, category) over the calendar rebuild every day's totals.
WITH days AS (
  SELECT unnest(generate_series(min(occurred_at)::DATE, max(occurred_at)::DATE, INTERVAL 1 DAY))::DATE AS day
  FROM ledger_stock
),
eod AS (
  SELECT key_id, occurred_at::DATE AS day, arg_max(bucket_qty, (seq, posting_no)) AS qty
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
  FROM deltas d JOIN ledger_keys k USING (key_id) JOIN stg_items i USING (sku)
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
),
sold AS (
  SELECT day, node_id, coalesce(category, 'uncategorised') AS category, sum(qty) AS units_sold
  FROM ledger_sales GROUP BY ALL
)
SELECT r.day, r.node_id, r.category,
       r.sellable::BIGINT AS sellable, r.accounts::BIGINT AS accounts, r.stockouts::BIGINT AS stockouts,
       coalesce(s.units_sold, 0)::BIGINT AS units_sold
FROM running r LEFT JOIN sold s USING (day, node_id, category)
WHERE r.accounts > 0
ORDER BY 1, 2, 3
