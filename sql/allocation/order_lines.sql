-- grain: one row per (order_id, line_id) of every order placed by $as_of_ms that is in scope: it has a line
-- still to allocate or a live reservation. Cancelled lines are left out. Materialized as temp.alloc_lines;
-- reads temp.alloc_claims (claims.sql).
-- open_qty = qty - reserved - shipped (never below 0): what the allocator still has to place.
-- sku is the line's sku after an accepted substitution (ordered_sku is the one on the order).
-- An order_id placed twice: its latest placement (business time, then arrival) counts, as in the ledger's
-- ledger_order_lines; its placement time is its FIFO priority.
WITH placed AS (
  SELECT seq, occurred_at, payload
  FROM stg_event_log
  WHERE type = 'order_placed' AND occurred_at <= make_timestamptz($as_of_ms::BIGINT * 1000)
  QUALIFY row_number() OVER (PARTITION BY payload->>'order_id' ORDER BY occurred_at DESC, seq DESC) = 1
),
lines AS (
  SELECT
    p.payload->>'order_id'                   AS order_id,
    p.payload->>'channel_id'                 AS channel_id,
    p.payload->>'ship_to_region'             AS ship_to_region,
    p.payload->>'service_level'              AS service_level,
    left(p.payload->>'promised_by', 10)      AS promised_by,
    p.payload->>'pickup_node_id'             AS pickup_node_id,
    epoch_ms(p.occurred_at)                  AS placed_ms,
    p.seq                                    AS placed_seq,
    l.ord::INTEGER                           AS line_no,
    l.line->>'line_id'                       AS line_id,
    l.line->>'sku'                           AS ordered_sku,
    (l.line->>'qty')::BIGINT                 AS qty,
    (l.line->>'unit_price')::DOUBLE          AS unit_price
  FROM placed p, unnest(CAST(p.payload->'lines' AS JSON[])) WITH ORDINALITY AS l(line, ord)
),
cancelled AS (
  SELECT payload->>'order_id' AS order_id, payload->>'line_id' AS line_id
  FROM stg_event_log
  WHERE type = 'order_cancelled'
),
shipped AS (
  SELECT payload->>'order_id' AS order_id, payload->>'line_id' AS line_id, sum((payload->>'qty')::BIGINT) AS shipped
  FROM stg_event_log
  WHERE type = 'shipped'
  GROUP BY ALL
),
reserved AS (
  SELECT order_id, line_id, sum(reserved) AS reserved FROM temp.alloc_claims GROUP BY ALL
),
substituted AS (
  SELECT order_id, line_id, substitute_sku FROM allocation_substitutions WHERE status = 'accepted'
),
state AS (
  SELECT l.*,
         coalesce(s.substitute_sku, l.ordered_sku)                                     AS sku,
         coalesce(r.reserved, 0)::BIGINT                                               AS reserved,
         coalesce(sh.shipped, 0)::BIGINT                                               AS shipped,
         greatest(l.qty - coalesce(r.reserved, 0) - coalesce(sh.shipped, 0), 0)::BIGINT AS open_qty
  FROM lines l
  LEFT JOIN reserved r USING (order_id, line_id)
  LEFT JOIN shipped sh USING (order_id, line_id)
  LEFT JOIN substituted s USING (order_id, line_id)
  WHERE NOT EXISTS (
    SELECT 1 FROM cancelled c
    WHERE c.order_id = l.order_id AND (c.line_id IS NULL OR c.line_id = l.line_id))
)
SELECT *
FROM state
WHERE order_id IN (SELECT order_id FROM state WHERE open_qty > 0 OR reserved > 0)
