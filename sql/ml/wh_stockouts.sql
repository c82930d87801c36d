-- grain: one row per (sku, node_id, day) on which the node was out of sellable stock at the end of the day
-- (balance <= 0, carried forward from its last posting), for days $from_day..$to_day after the first
-- posting. From the inventory ledger (ledger_stock, ledger_keys: docs/ledger.md); src/ml/warehouse runs this
-- only when those tables exist and have been refreshed — otherwise demand carries no stockout flags and
-- a day without sales counts as zero demand.
WITH postings AS (
  SELECT k.sku, k.node_id, s.occurred_at::DATE AS day,
    arg_max(s.bucket_qty, (s.occurred_at, s.seq, s.posting_no)) AS end_qty
  FROM ledger_stock s JOIN ledger_keys k USING (key_id)
  WHERE s.bucket = 'sellable' AND s.occurred_at::DATE <= $to_day::DATE
  GROUP BY ALL
),
spine AS (
  SELECT sku, node_id,
    unnest(generate_series(greatest(min(day), $from_day::DATE), $to_day::DATE, INTERVAL 1 DAY))::DATE AS day
  FROM postings
  GROUP BY ALL
)
SELECT s.sku, s.node_id, s.day
FROM spine s
ASOF JOIN postings p ON p.sku = s.sku AND p.node_id = s.node_id AND s.day >= p.day
WHERE p.end_qty <= 0
