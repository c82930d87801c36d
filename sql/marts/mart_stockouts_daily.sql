-- grain: one row per (day, sku, node_id) stockout day: a day the account (sku × node) ended with no sellable
-- stock (end-of-day sellable <= 0; negative = oversold) while the sku sells there, with the lost sales it
-- probably cost. Days run from the first business day to the clock (mart_periods); returns centres, which sell
-- nothing, are left out.
-- Rules (W = ledger_config.stockout_window_days, default 28; the window is the W days before the day, the
-- day itself excluded, so the stockout does not lower its own estimate):
--   * sells there: at least one unit sold (ledger_sales: pos_sale at the node, or an order shipped from it)
--     in the window;
--   * in-stock day: a day that ended with sellable stock > 0, or with any unit sold;
--   * daily_rate = units sold in the window / in-stock days in the window (at least 1): the rate at which it
--     sold while it could;
--   * lost_units = max(daily_rate - units sold that day, 0) (a day that ran out after selling loses only the
--     rest); lost_revenue = lost_units x the window's average selling price (revenue / units).
-- Estimates, not facts: demand that a stockout suppressed for longer than W days is no longer counted.
WITH cfg AS (SELECT stockout_window_days AS w FROM ledger_config),
days AS (SELECT period_start AS day FROM mart_periods WHERE period_grain = 'day'),
sales AS (
  SELECT sku, node_id, day, sum(qty) AS units, sum(revenue) AS revenue
  FROM ledger_sales GROUP BY ALL
),
accounts AS (
  -- only accounts that ever sold can have a stockout day
  SELECT k.key_id, k.sku, k.node_id, CAST(k.first_occurred_at AS DATE) AS first_day
  FROM ledger_keys k
  WHERE EXISTS (SELECT 1 FROM sales s WHERE s.sku = k.sku AND s.node_id = k.node_id)
),
eod AS (
  -- the balance after the day's last posting in business time (a late event has a higher seq, not a later time)
  SELECT key_id, CAST(occurred_at AS DATE) AS day, arg_max(bucket_qty, (occurred_at, seq, posting_no)) AS qty
  FROM ledger_stock
  WHERE bucket = 'sellable' AND key_id IN (SELECT key_id FROM accounts)
  GROUP BY ALL
),
grid AS (
  SELECT a.key_id, a.sku, a.node_id, d.day
  FROM accounts a JOIN days d ON d.day >= a.first_day
),
daily AS (
  SELECT g.key_id, g.sku, g.node_id, g.day,
         coalesce(last_value(e.qty IGNORE NULLS) OVER w, 0) AS sellable,
         coalesce(s.units, 0) AS units,
         coalesce(s.revenue, 0) AS revenue
  FROM grid g
  LEFT JOIN eod e ON e.key_id = g.key_id AND e.day = g.day
  LEFT JOIN sales s ON s.sku = g.sku AND s.node_id = g.node_id AND s.day = g.day
  WINDOW w AS (PARTITION BY g.key_id ORDER BY g.day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
running AS (
  -- running totals up to and including the day; a window's total is the difference of two of them
  SELECT *,
         sum(units) OVER w AS cum_units,
         sum(revenue) OVER w AS cum_revenue,
         sum(CAST(sellable > 0 OR units > 0 AS INTEGER)) OVER w AS cum_in_stock
  FROM daily
  WINDOW w AS (PARTITION BY key_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
windowed AS (
  SELECT r.day, r.sku, r.node_id, r.sellable, r.units,
         r.cum_units - r.units - coalesce(b.cum_units, 0) AS window_units,
         r.cum_revenue - r.revenue - coalesce(b.cum_revenue, 0) AS window_revenue,
         r.cum_in_stock - CAST(r.sellable > 0 OR r.units > 0 AS INTEGER) - coalesce(b.cum_in_stock, 0)
           AS window_in_stock_days
  FROM running r
  CROSS JOIN cfg
  LEFT JOIN running b ON b.key_id = r.key_id AND b.day = r.day - cfg.w - 1
  WHERE r.sellable <= 0
)
SELECT
  w.day,
  w.sku,
  w.node_id,
  coalesce(n.node_type, 'unknown')                                   AS node_type,
  coalesce(i.category, 'uncategorised')                              AS category,
  CAST(w.sellable AS BIGINT)                                         AS sellable_units,
  CAST(w.units AS BIGINT)                                            AS units_sold,
  CAST(w.window_units AS BIGINT)                                     AS window_units,
  CAST(w.window_in_stock_days AS INTEGER)                            AS window_in_stock_days,
  w.window_units / greatest(w.window_in_stock_days, 1)               AS daily_rate,
  greatest(w.window_units / greatest(w.window_in_stock_days, 1) - w.units, 0) AS lost_units,
  CAST(greatest(w.window_units / greatest(w.window_in_stock_days, 1) - w.units, 0)
       * w.window_revenue / w.window_units AS DECIMAL(18, 2))        AS lost_revenue
FROM windowed w
LEFT JOIN stg_nodes n USING (node_id)
LEFT JOIN stg_items i USING (sku)
WHERE w.window_units > 0
  AND coalesce(n.node_type, '') <> 'returns_center'
