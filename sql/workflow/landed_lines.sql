-- grain: one row per landed line of the purchase orders $po_ids and the transfers $transfer_ids (JSON arrays
-- of ids), leaving out the events $exclude_event_ids (a JSON array: the events being judged, so a resent
-- event is not counted twice). Repeated po_created / transfer_shipped events of one id add up in the ledger,
-- so the policy values an id's landed lines together with the new ones: a large order split over several
-- events of one id is judged whole.
WITH po_ids AS (SELECT unnest(from_json($po_ids::JSON, '["VARCHAR"]')) AS id),
transfer_ids AS (SELECT unnest(from_json($transfer_ids::JSON, '["VARCHAR"]')) AS id),
excluded AS (SELECT unnest(from_json($exclude_event_ids::JSON, '["VARCHAR"]')) AS event_id),
po_events AS (
  SELECT payload->>'po_id' AS id, payload->>'node_id' AS node_id, payload->'lines' AS lines
  FROM event_log
  WHERE type = 'po_created' AND (payload->>'po_id') IN (SELECT id FROM po_ids)
    AND event_id NOT IN (SELECT event_id FROM excluded)
)
SELECT 'po_created' AS type, id, node_id, NULL::VARCHAR AS to_node_id, line->>'sku' AS sku,
       (line->>'qty')::DOUBLE AS qty, (line->>'unit_cost')::DOUBLE AS unit_cost
FROM po_events, unnest(from_json(lines, '["JSON"]')) AS l(line)
UNION ALL
SELECT 'transfer_shipped', payload->>'transfer_id', payload->>'from_node_id', payload->>'to_node_id',
       payload->>'sku', (payload->>'qty')::DOUBLE, NULL
FROM event_log
WHERE type = 'transfer_shipped' AND (payload->>'transfer_id') IN (SELECT id FROM transfer_ids)
  AND event_id NOT IN (SELECT event_id FROM excluded)
ORDER BY 1, 2
