-- grain: one row per claim (order_id, line_id, node_id, sku) ever allocated. Materialized by the adapter as
-- temp.alloc_claims for the run's other queries.
-- The reservation rules of the ledger (docs/ledger.md, "reservations"), per claim in ledger order
-- (occurred_at, then seq): allocated adds; allocation_released and shipped take min(qty, reserved) (a clamped
-- running sum: reserved = P - min(0, min P so far), P the running sum within a stretch); order_cancelled (the
-- line, or the whole order) releases what is left and starts a new stretch.
-- reserved: units reserved now. shipped: units shipped from this node for this line (at most allocated).
-- allocated_day: UTC day (days since 1970-01-01) of the latest allocated event — the day whose ship
-- capacity the claim uses. external: every allocated event of the claim came from another system (its
-- envelope source is not the allocator's), e.g. a marketplace that fulfils its own orders. allocated_events / released_events: counters for deterministic event ids.
WITH ev AS (
  SELECT seq, occurred_at, type, source,
         payload->>'order_id' AS order_id, payload->>'line_id' AS line_id,
         payload->>'node_id' AS node_id, payload->>'sku' AS sku, (payload->>'qty')::BIGINT AS qty
  FROM stg_event_log
  WHERE type IN ('allocated', 'allocation_released', 'shipped', 'order_cancelled')
),
keys AS (
  SELECT DISTINCT order_id, line_id, node_id, sku FROM ev WHERE type = 'allocated'
),
steps AS (
  SELECT k.order_id, k.line_id, k.node_id, k.sku, e.seq, e.occurred_at, e.type, e.source,
         CASE e.type WHEN 'allocated' THEN e.qty ELSE -e.qty END AS d, false AS reset
  FROM ev e JOIN keys k USING (order_id, line_id, node_id, sku)
  WHERE e.type IN ('allocated', 'allocation_released', 'shipped')
  UNION ALL
  SELECT k.order_id, k.line_id, k.node_id, k.sku, e.seq, e.occurred_at, e.type, e.source, 0 AS d, true AS reset
  FROM ev e JOIN keys k ON k.order_id = e.order_id AND (e.line_id IS NULL OR e.line_id = k.line_id)
  WHERE e.type = 'order_cancelled'
),
stretch AS (
  SELECT *,
         count(*) FILTER (WHERE reset) OVER (PARTITION BY order_id, line_id, node_id, sku ORDER BY occurred_at, seq)
           - CASE WHEN reset THEN 1 ELSE 0 END AS grp
  FROM steps
),
running AS (
  SELECT *, sum(d) OVER (PARTITION BY order_id, line_id, node_id, sku, grp ORDER BY occurred_at, seq) AS p
  FROM stretch
),
clamped AS (
  SELECT *,
         CASE WHEN reset THEN 0
              ELSE p - least(0, min(p) OVER (PARTITION BY order_id, line_id, node_id, sku, grp ORDER BY occurred_at, seq))
         END AS reserved_after
  FROM running
)
SELECT
  order_id,
  line_id,
  node_id,
  sku,
  arg_max(reserved_after, (occurred_at, seq))::BIGINT                                  AS reserved,
  least(coalesce(sum(-d) FILTER (WHERE type = 'shipped'), 0),
        sum(d) FILTER (WHERE type = 'allocated'))::BIGINT                               AS shipped,
  count(*) FILTER (WHERE type = 'allocated')::INTEGER                                  AS allocated_events,
  count(*) FILTER (WHERE type = 'allocation_released')::INTEGER                        AS released_events,
  (epoch_ms(max(occurred_at) FILTER (WHERE type = 'allocated')) // 86400000)::INTEGER  AS allocated_day,
  coalesce(bool_and(source IS DISTINCT FROM 'allocator') FILTER (WHERE type = 'allocated'), false) AS external
FROM clamped
GROUP BY order_id, line_id, node_id, sku
