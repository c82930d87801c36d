-- grain: one row per (month, node_id): the inventory value roll-forward (mart_inventory_rollforward), exact:
-- opening + receipts − COGS + returns − write-offs − vendor returns ± shrink ± count variance ± adjustments
-- + transfers in − transfers out ± cost variance = closing.
SELECT period_start AS month, node_id,
       opening_value::DOUBLE AS opening, receipts::DOUBLE AS receipts, (-cogs)::DOUBLE AS cogs,
       customer_returns::DOUBLE AS customer_returns, (-write_offs)::DOUBLE AS write_offs,
       (-vendor_returns)::DOUBLE AS vendor_returns, shrink::DOUBLE AS shrink, count_variance::DOUBLE AS count_variance,
       adjustments::DOUBLE AS adjustments, transfers_in::DOUBLE AS transfers_in, (-transfers_out)::DOUBLE AS transfers_out,
       cost_variance::DOUBLE AS cost_variance, closing_value::DOUBLE AS closing, balance_difference::DOUBLE AS balance_difference
FROM mart_inventory_rollforward WHERE period_grain = 'month' ORDER BY 1, 2
