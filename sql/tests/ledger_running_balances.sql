-- assert: each stock posting's balances after it equal the running sums of the postings up to it (in ledger
-- order: occurred_at, seq, posting_no), and the stored state is the last posting's; the account's value
-- after every posting is its units at its average cost, to the cent
WITH runs AS (
  SELECT key_id, seq, posting_no, bucket_qty, pool_qty, value, avg_unit_cost,
         sum(qty) OVER (PARTITION BY key_id, bucket ORDER BY occurred_at, seq, posting_no) AS bucket_run,
         sum(qty) OVER (PARTITION BY key_id ORDER BY occurred_at, seq, posting_no) AS pool_run,
         sum(value) OVER (PARTITION BY key_id ORDER BY occurred_at, seq, posting_no) AS value_run,
         row_number() OVER (PARTITION BY key_id ORDER BY occurred_at DESC, seq DESC, posting_no DESC) AS from_end,
         row_number() OVER (PARTITION BY key_id, seq ORDER BY posting_no DESC) AS last_of_event
  FROM ledger_stock
)
SELECT r.key_id, r.seq, r.posting_no, 'running balance' AS problem
FROM runs r
WHERE r.bucket_qty <> r.bucket_run OR r.pool_qty <> r.pool_run
   OR (r.last_of_event = 1 AND r.value_run <> CAST(r.avg_unit_cost * r.pool_run AS DECIMAL(38, 2)))
UNION ALL
SELECT r.key_id, r.seq, r.posting_no, 'state is not the last posting'
FROM runs r JOIN ledger_stock_state s USING (key_id)
WHERE r.from_end = 1
  AND (s.last_seq <> r.seq OR s.last_posting_no <> r.posting_no OR s.pool_qty <> r.pool_run
       OR s.avg_unit_cost IS DISTINCT FROM r.avg_unit_cost OR s.pool_value <> r.value_run)
