-- The moving average, one round (docs/ledger.md, "valuation"). It changes only at costed inflows: into a
-- positive pool
--   avg_k = (value of the pool before, at avg_(k-1), to the cent + inflow value) / units after,
-- into an empty or oversold pool it restarts at the inflow's unit cost. A round values the referenced inflows
-- whose source average is now known, then every account folds (list_reduce, in rank order) its next costed
-- inflows up to the first one still unvalued. References point strictly backwards in ledger order, so every
-- round moves on; a DC → store network settles in two or three. The same scalar formula whichever round or
-- refresh computes a step, so incremental and full refreshes agree to the bit.

UPDATE lx_costed c SET inflow_value = CAST(c.qty * a.avg_after AS DECIMAL(38, 2))
FROM lx_avg a
WHERE c.inflow_value IS NULL AND a.key_id = c.src_key AND a.k = c.src_rank;

-- grain: one row per account that moves on this round: the inflows it folds, in rank order
CREATE OR REPLACE TEMP TABLE lx_block AS
WITH open_rows AS (
  SELECT c.*, p.avg_after AS start_avg
  FROM lx_costed c JOIN lx_progress p USING (key_id)
  WHERE c.k > p.done_k
),
stops AS (
  SELECT key_id, min(k) AS stop_k FROM open_rows WHERE inflow_value IS NULL GROUP BY key_id
)
SELECT o.key_id, any_value(o.start_avg) AS start_avg, min(o.k) AS first_k,
       list({'qty': o.qty, 'pool_before': o.pool_before, 'pool_after': o.pool_after, 'inflow': o.inflow_value}
            ORDER BY o.k) AS steps
FROM open_rows o LEFT JOIN stops s USING (key_id)
WHERE s.stop_k IS NULL OR o.k < s.stop_k
GROUP BY o.key_id;

-- grain: one row per (account, rank) computed this round
CREATE OR REPLACE TEMP TABLE lx_folded AS
WITH folded AS (
  SELECT key_id, first_k,
         list_reduce(
           steps,
           lambda acc, x: {
             'avg': CASE WHEN x.pool_before <= 0 THEN x.inflow::DOUBLE / x.qty
                         ELSE (CAST(acc.avg * x.pool_before AS DECIMAL(38, 2)) + x.inflow)::DOUBLE / x.pool_after END,
             'history': list_append(acc.history,
                          CASE WHEN x.pool_before <= 0 THEN x.inflow::DOUBLE / x.qty
                               ELSE (CAST(acc.avg * x.pool_before AS DECIMAL(38, 2)) + x.inflow)::DOUBLE / x.pool_after
                          END)},
           {'avg': start_avg, 'history': []::DOUBLE[]}).history AS history
  FROM lx_block
)
SELECT key_id, first_k + generate_subscripts(history, 1) - 1 AS k, unnest(history) AS avg_after
FROM folded;

INSERT INTO lx_avg SELECT key_id, k, avg_after FROM lx_folded;

UPDATE lx_progress p SET done_k = f.k, avg_after = f.avg_after
FROM (SELECT key_id, max(k) AS k, arg_max(avg_after, k) AS avg_after FROM lx_folded GROUP BY key_id) f
WHERE p.key_id = f.key_id;
