-- grain: one row per (transfer_id, sku, to_node_id): units shipped, received and still in transit, and when
-- they are due (the shipment's expected_at, else shipped + transfer_default_days; the latest shipment's).
SELECT
  s.transfer_id,
  k.sku,
  k.node_id AS to_node_id,
  any_value(s.peer_node_id) FILTER (WHERE s.event_type = 'transfer_shipped') AS from_node_id,
  coalesce(sum(s.qty) FILTER (WHERE s.event_type = 'transfer_shipped'), 0) AS shipped_qty,
  coalesce(-sum(s.qty) FILTER (WHERE s.event_type = 'transfer_received'), 0) AS received_qty,
  sum(s.qty) AS in_transit_qty,
  min(s.occurred_at) FILTER (WHERE s.event_type = 'transfer_shipped') AS shipped_at,
  max(s.occurred_at) FILTER (WHERE s.event_type = 'transfer_received') AS last_received_at,
  max(coalesce(s.due_at, s.occurred_at + to_days(c.transfer_default_days)))
    FILTER (WHERE s.event_type = 'transfer_shipped') AS due_at,
  sum(s.value) FILTER (WHERE s.event_type = 'transfer_shipped')
    / nullif(sum(s.qty) FILTER (WHERE s.event_type = 'transfer_shipped'), 0) AS unit_value
FROM ledger_stock s
JOIN ledger_keys k USING (key_id)
CROSS JOIN ledger_config c
WHERE s.bucket = 'in_transit'
GROUP BY s.transfer_id, k.sku, k.node_id
