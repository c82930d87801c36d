-- grain: one row: the orders (each order id once, as in demand_history.sql) placed in the look-ahead's history
-- window ($from_ms, $as_of_ms], pickup left out: how many, their units, and the first one's time (epoch ms;
-- NULL when there is none) — the window's real length for a warehouse younger than the window.
WITH placed AS (
  SELECT occurred_at, payload
  FROM event_log
  WHERE type = 'order_placed'
    AND occurred_at > make_timestamptz($from_ms::BIGINT * 1000)
    AND occurred_at <= make_timestamptz($as_of_ms::BIGINT * 1000)
  QUALIFY row_number() OVER (PARTITION BY payload->>'order_id' ORDER BY occurred_at DESC, seq DESC) = 1
)
SELECT
  count(*)::BIGINT                                                                          AS orders,
  coalesce(sum((SELECT sum((l->>'qty')::BIGINT) FROM unnest(CAST(payload->'lines' AS JSON[])) AS t(l))), 0)::BIGINT
                                                                                            AS units,
  epoch_ms(min(occurred_at))                                                                AS first_ms
FROM placed
WHERE coalesce(payload->>'service_level', 'standard') <> 'pickup'
