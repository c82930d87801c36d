-- grain: one row per (day, node_id, category): end-of-day sellable units, stock accounts, accounts with no
-- sellable stock (stockouts) and units sold that day.
-- End-of-day balances come from each account's last posting on or before the day (ASOF join).
WITH days AS (
  SELECT unnest(generate_series(min(occurred_at)::DATE, max(occurred_at)::DATE, INTERVAL 1 DAY))::DATE AS day
  FROM ledger_stock
),
sellable AS (
  SELECT key_id, occurred_at, seq, posting_no, bucket_qty FROM ledger_stock WHERE bucket = 'sellable'
),
last_sellable AS (
  SELECT key_id, (occurred_at::DATE) AS day, arg_max(bucket_qty, (seq, posting_no)) AS qty
  FROM sellable GROUP BY ALL
),
grid AS (
  SELECT k.key_id, k.node_id, coalesce(i.category, 'uncategorised') AS category, d.day
  FROM ledger_keys k JOIN stg_items i USING (sku) JOIN days d ON d.day >= k.first_occurred_at::DATE
),
filled AS (
  SELECT g.*, s.qty
  FROM grid g
  ASOF LEFT JOIN last_sellable s ON s.key_id = g.key_id AND s.day <= g.day
),
sold AS (
  SELECT day, node_id, coalesce(category, 'uncategorised') AS category, sum(qty) AS units_sold
  FROM ledger_sales GROUP BY ALL
)
SELECT f.day, f.node_id, f.category,
       sum(coalesce(f.qty, 0))::BIGINT AS sellable,
       count(*)::BIGINT AS accounts,
       count(*) FILTER (WHERE coalesce(f.qty, 0) <= 0)::BIGINT AS stockouts,
       coalesce(any_value(s.units_sold), 0)::BIGINT AS units_sold
FROM filled f LEFT JOIN sold s USING (day, node_id, category)
GROUP BY f.day, f.node_id, f.category
ORDER BY 1, 2, 3
