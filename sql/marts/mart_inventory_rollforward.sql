-- grain: one row per (period_grain, period_start, node_id) for every period of mart_periods ('day', 'week',
-- 'month'; UTC) from the node's first posting to the business clock, with or without postings (dense: the
-- closing values of a day add up over nodes to the whole inventory). The inventory value roll-forward of a
-- node: value = on hand + in transit to it, at the moving average.
--   opening_value + receipts - cogs + customer_returns - write_offs - vendor_returns + shrink + count_variance
--   + adjustments + transfers_in - transfers_out + cost_variance = closing_value
-- Every flow is what the ledger booked (exact to the cent, DECIMAL); cost_variance is the rounding of the
-- moving average and the revaluation of oversold stock. balance_difference is always 0
-- (asserted in sql/tests/ledger_rollforward_balances.sql).
WITH postings AS (
  SELECT k.node_id, s.occurred_at, s.value, s.variance_value, s.value - s.variance_value AS booked,
         s.event_type, s.counter, s.costing
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
),
grains AS (SELECT * FROM (VALUES ('day'), ('week'), ('month')) g(period_grain)),
flows AS (
  SELECT
    g.period_grain,
    CAST(date_trunc(g.period_grain, p.occurred_at) AS DATE) AS period_start,
    p.node_id,
    sum(p.value) AS net_change,
    coalesce(sum(p.booked) FILTER (WHERE p.event_type = 'receipt'), 0) AS receipts,
    coalesce(-sum(p.booked) FILTER (WHERE p.event_type IN ('pos_sale', 'shipped')), 0) AS cogs,
    coalesce(sum(p.booked) FILTER (WHERE p.event_type = 'return_received'), 0) AS customer_returns,
    coalesce(-sum(p.booked) FILTER (WHERE p.counter = 'write_off'), 0) AS write_offs,
    coalesce(-sum(p.booked) FILTER (WHERE p.counter = 'vendor_return'), 0) AS vendor_returns,
    coalesce(sum(p.booked) FILTER (WHERE p.counter = 'shrink'), 0) AS shrink,
    coalesce(sum(p.booked) FILTER (WHERE p.counter = 'count_variance'), 0) AS count_variance,
    coalesce(sum(p.booked) FILTER (WHERE p.counter = 'adjustment'), 0) AS adjustments,
    coalesce(sum(p.booked) FILTER (WHERE p.costing = 'transfer'), 0) AS transfers_in,
    coalesce(-sum(p.booked) FILTER (WHERE p.event_type = 'transfer_shipped' AND p.costing <> 'transfer'), 0)
      AS transfers_out,
    sum(p.variance_value) AS cost_variance
  FROM postings p CROSS JOIN grains g
  GROUP BY ALL
),
-- every period of the calendar from the node's first posting on (postings after the clock are not shown)
grid AS (
  SELECT c.period_grain, c.period_start, f.node_id
  FROM mart_periods c
  JOIN (SELECT period_grain, node_id, min(period_start) AS first_period FROM flows GROUP BY ALL) f
    ON f.period_grain = c.period_grain AND c.period_start >= f.first_period
),
dense AS (
  SELECT g.period_grain, g.period_start, g.node_id,
         coalesce(f.net_change, 0) AS net_change, coalesce(f.receipts, 0) AS receipts, coalesce(f.cogs, 0) AS cogs,
         coalesce(f.customer_returns, 0) AS customer_returns, coalesce(f.write_offs, 0) AS write_offs,
         coalesce(f.vendor_returns, 0) AS vendor_returns, coalesce(f.shrink, 0) AS shrink,
         coalesce(f.count_variance, 0) AS count_variance, coalesce(f.adjustments, 0) AS adjustments,
         coalesce(f.transfers_in, 0) AS transfers_in, coalesce(f.transfers_out, 0) AS transfers_out,
         coalesce(f.cost_variance, 0) AS cost_variance
  FROM grid g LEFT JOIN flows f USING (period_grain, period_start, node_id)
),
rolled AS (
  SELECT *,
         coalesce(sum(net_change) OVER (PARTITION BY period_grain, node_id ORDER BY period_start
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS opening_value
  FROM dense
)
SELECT
  period_grain, period_start, node_id, opening_value, receipts, cogs, customer_returns, write_offs, vendor_returns,
  shrink, count_variance, adjustments, transfers_in, transfers_out, cost_variance,
  opening_value + net_change AS closing_value,
  opening_value + receipts - cogs + customer_returns - write_offs - vendor_returns + shrink + count_variance
    + adjustments + transfers_in - transfers_out + cost_variance - (opening_value + net_change) AS balance_difference
FROM rolled
