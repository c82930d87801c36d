-- grain: one row per (channel_id, category, reason) with returns: units sold in the channel and category
-- (ledger_sales: store sales and shipped order lines; repeated on each reason row), units returned for that
-- reason, the return rate (returned / sold: the reasons of a channel and category add up to its rate), and
-- what grading recovered: graded units, their value at the item's cost and the value recovered
-- (cost x returns_recovery_rates of the disposition).
-- A return is attributed to the channel of its order (order_id → ledger_order_lines); a return without an
-- order to the store channel of the node it was received at (as store sales are: ledger_store_channels), else
-- to 'unlinked'. reason 'unspecified' when none was given. Grades join their receipt on (return_id, sku); a
-- return received in several events takes the first one's reason.
WITH received AS (
  SELECT r.return_id, r.sku,
         coalesce(any_value(o.channel_id), any_value(sc.channel_id), 'unlinked') AS channel_id,
         coalesce(arg_min(r.reason, r.seq), 'unspecified') AS reason,
         sum(r.qty) AS qty
  FROM events_returns r
  LEFT JOIN (SELECT DISTINCT order_id, channel_id FROM ledger_order_lines) o ON o.order_id = r.order_id
  LEFT JOIN ledger_store_channels sc ON sc.node_id = r.node_id
  WHERE r.event_type = 'return_received'
  GROUP BY r.return_id, r.sku
),
graded AS (
  SELECT g.return_id, g.sku, sum(g.qty) AS qty,
         sum(g.qty * coalesce(i.unit_cost, 0)) AS cost_value,
         sum(g.qty * coalesce(i.unit_cost, 0) * coalesce(rr.recovery_rate, 0)) AS recovered_value
  FROM events_returns g
  LEFT JOIN stg_items i USING (sku)
  LEFT JOIN returns_recovery_rates rr USING (disposition)
  WHERE g.event_type = 'return_graded'
  GROUP BY g.return_id, g.sku
),
returned AS (
  SELECT r.channel_id, coalesce(i.category, 'uncategorised') AS category, r.reason,
         count(DISTINCT r.return_id) AS returns,
         sum(r.qty) AS returned_units,
         sum(coalesce(g.qty, 0)) AS graded_units,
         sum(coalesce(g.cost_value, 0)) AS cost_value,
         sum(coalesce(g.recovered_value, 0)) AS recovered_value
  FROM received r
  LEFT JOIN graded g USING (return_id, sku)
  LEFT JOIN stg_items i USING (sku)
  GROUP BY ALL
),
sold AS (
  SELECT s.channel_id, coalesce(i.category, 'uncategorised') AS category, sum(s.qty) AS sold_units
  FROM ledger_sales s LEFT JOIN stg_items i USING (sku)
  GROUP BY ALL
)
SELECT
  r.channel_id,
  r.category,
  r.reason,
  CAST(coalesce(s.sold_units, 0) AS BIGINT)                             AS sold_units,
  CAST(r.returns AS BIGINT)                                             AS returns,
  CAST(r.returned_units AS BIGINT)                                      AS returned_units,
  r.returned_units / nullif(s.sold_units, 0)                            AS return_rate,
  CAST(r.graded_units AS BIGINT)                                        AS graded_units,
  CAST(r.cost_value AS DECIMAL(18, 2))                                  AS cost_value,
  CAST(r.recovered_value AS DECIMAL(18, 2))                             AS recovered_value
FROM returned r
LEFT JOIN sold s USING (channel_id, category)
