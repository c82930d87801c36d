-- assert: the episodes the refresh keeps (ledger_episodes) agree with the balances: an account has an open
-- episode exactly when its balance meets the condition now (available < 0: oversell; a bucket < 0:
-- negative_stock; damaged > 0: damaged_stock), at most one per series, and a series' episodes do not overlap
WITH now_holds AS (
  SELECT 'oversell' AS episode_type, sku, node_id, 'available' AS bucket FROM inventory_positions WHERE available < 0
  UNION ALL
  SELECT 'negative_stock', p.sku, p.node_id, b.bucket
  FROM inventory_positions p,
       LATERAL (VALUES ('sellable', p.sellable), ('damaged', p.damaged), ('quarantine', p.quarantine),
                       ('repair', p.repair), ('returns_pending', p.returns_pending),
                       ('in_transit', p.in_transit_in)) b(bucket, qty)
  WHERE b.qty < 0
  UNION ALL
  SELECT 'damaged_stock', sku, node_id, 'damaged' FROM inventory_positions WHERE damaged > 0
),
open_episodes AS (
  SELECT episode_type, sku, node_id, bucket, count(*) AS open_count
  FROM ledger_episodes WHERE cleared_at IS NULL
  GROUP BY ALL
),
ordered AS (
  SELECT *, lag(cleared_at) OVER s AS prev_cleared_at, lag(cleared_seq) OVER s AS prev_cleared_seq,
         lag(opened_at) OVER s AS prev_opened_at
  FROM ledger_episodes
  WINDOW s AS (PARTITION BY episode_type, sku, node_id, bucket ORDER BY opened_at, opened_seq)
)
SELECT coalesce(h.episode_type, o.episode_type) AS episode_type, coalesce(h.sku, o.sku) AS sku,
       coalesce(h.node_id, o.node_id) AS node_id, coalesce(h.bucket, o.bucket) AS bucket,
       CASE WHEN o.sku IS NULL THEN 'condition holds, no open episode'
            WHEN h.sku IS NULL THEN 'open episode, condition does not hold'
            ELSE 'more than one open episode' END AS problem
FROM now_holds h
FULL JOIN open_episodes o
  ON o.episode_type = h.episode_type AND o.sku = h.sku AND o.node_id = h.node_id AND o.bucket = h.bucket
WHERE o.sku IS NULL OR h.sku IS NULL OR o.open_count > 1
UNION ALL
SELECT episode_type, sku, node_id, bucket, 'overlaps the episode before it'
FROM ordered
WHERE prev_opened_at IS NOT NULL
  AND (prev_cleared_at IS NULL OR (prev_cleared_at, prev_cleared_seq) > (opened_at, opened_seq))
