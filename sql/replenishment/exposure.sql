-- grain: one row per (po_id, sku) still open whose PO is late (its expected date is before $as_of) or has
-- slipped (a po_updated moved its date later than first promised): what it exposes at its node.
-- arrival: the current expected date, or tomorrow when already overdue. Demand: units leaving the node per
-- day over the last $days (POS sales, shipments, transfers out). Projected stockout: $as_of + available /
-- demand (available now plus inbound due before it is ignored: a conservative reading). Exposed when the
-- stockout comes before the arrival; revenue at risk = min(open qty, demand × days short) × list price.
-- Channels: those whose eligible nodes include the node; open orders: lines of the sku in those channels
-- not yet shipped or cancelled. Params: $as_of (TIMESTAMPTZ), $days (INTEGER).
WITH open_po AS (
  SELECT po_id, sku, node_id, supplier_id, expected_at, open_qty
  FROM ledger_purchase_orders WHERE open_qty > 0
),
history AS (SELECT po_id, promised_at, slip_days FROM supplier_po_history),
flagged AS (
  SELECT o.*, h.promised_at, h.slip_days,
         o.expected_at < $as_of::TIMESTAMPTZ AS late,
         coalesce(h.slip_days, 0) > 0 AS slipped,
         greatest(o.expected_at::DATE, ($as_of::TIMESTAMPTZ + INTERVAL 1 DAY)::DATE) AS arrival
  FROM open_po o LEFT JOIN history h USING (po_id)
  WHERE o.expected_at < $as_of::TIMESTAMPTZ OR coalesce(h.slip_days, 0) > 0
),
demand AS (
  SELECT payload->>'sku' AS sku, coalesce(payload->>'node_id', payload->>'from_node_id') AS node_id,
         sum((payload->>'qty')::DOUBLE) / $days::INTEGER AS daily_demand
  FROM stg_event_log
  WHERE type IN ('pos_sale', 'shipped', 'transfer_shipped')
    AND occurred_at > $as_of::TIMESTAMPTZ - to_days($days::INTEGER) AND occurred_at <= $as_of::TIMESTAMPTZ
  GROUP BY ALL
),
projected AS (
  SELECT f.*, greatest(coalesce(p.available, 0), 0) AS available, coalesce(d.daily_demand, 0) AS daily_demand,
         coalesce(i.list_price, 0) AS list_price,
         CASE WHEN coalesce(d.daily_demand, 0) > 0
              THEN ($as_of::TIMESTAMPTZ::DATE + CAST(floor(greatest(coalesce(p.available, 0), 0) / d.daily_demand) AS INTEGER))
         END AS stockout_date
  FROM flagged f
  LEFT JOIN inventory_positions p USING (sku, node_id)
  LEFT JOIN demand d USING (sku, node_id)
  LEFT JOIN stg_items i USING (sku)
),
node_channels AS (
  SELECT n.node_id, c.channel_id
  FROM stg_channels c JOIN stg_nodes n ON (c.node_ids IS NULL AND n.can_ship) OR list_contains(c.node_ids, n.node_id)
),
shipped AS (
  SELECT payload->>'order_id' AS order_id, payload->>'line_id' AS line_id, sum((payload->>'qty')::BIGINT) AS qty
  FROM stg_event_log WHERE type = 'shipped' GROUP BY ALL
),
cancelled AS (
  SELECT DISTINCT payload->>'order_id' AS order_id, payload->>'line_id' AS line_id
  FROM stg_event_log WHERE type = 'order_cancelled'
),
open_lines AS (
  SELECT l.order_id, l.line_id, l.sku, l.channel_id, l.qty - coalesce(s.qty, 0) AS open_qty
  FROM ledger_order_lines l
  LEFT JOIN shipped s USING (order_id, line_id)
  WHERE l.qty > coalesce(s.qty, 0)
    AND NOT EXISTS (SELECT 1 FROM cancelled c WHERE c.order_id = l.order_id AND (c.line_id IS NULL OR c.line_id = l.line_id))
)
SELECT p.po_id, p.sku, p.node_id, p.supplier_id,
       CASE WHEN p.late THEN 'late' ELSE 'slipped' END AS reason,
       p.promised_at, p.expected_at, p.arrival, p.slip_days, p.open_qty,
       p.available, p.daily_demand, p.stockout_date,
       p.stockout_date IS NOT NULL AND p.stockout_date < p.arrival AS exposed,
       CASE WHEN p.stockout_date < p.arrival THEN date_diff('day', p.stockout_date, p.arrival) ELSE 0 END AS days_short,
       CASE WHEN p.stockout_date < p.arrival
            THEN least(p.open_qty, p.daily_demand * date_diff('day', p.stockout_date, p.arrival)) * p.list_price
            ELSE 0 END AS revenue_at_risk,
       coalesce((SELECT list(DISTINCT nc.channel_id ORDER BY nc.channel_id) FROM node_channels nc WHERE nc.node_id = p.node_id), []) AS channels,
       coalesce((SELECT list(DISTINCT ol.order_id ORDER BY ol.order_id) FROM open_lines ol
                 JOIN node_channels nc ON nc.channel_id = ol.channel_id AND nc.node_id = p.node_id
                 WHERE ol.sku = p.sku), []) AS open_orders
FROM projected p
ORDER BY exposed DESC, revenue_at_risk DESC, p.po_id, p.sku
