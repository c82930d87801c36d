-- grain: one row per landed line of the purchase orders $po_ids and the transfers $transfer_ids (JSON arrays of
-- ids), leaving out the events $exclude_event_ids (a JSON array: the events being judged, so a resent event is
-- not counted twice). Repeated po_created / transfer_shipped events of one id add up in the ledger, so the
-- policy values an id's landed lines together with the new ones: a large order split over several events of
-- one id is judged whole.
-- What the ledger holds already comes from its tables (ledger_po_events; ledger_stock's in-transit postings,
-- whose peer is the sender); the events after its watermark from event_log, matched by $po_pattern /
-- $transfer_pattern (`"po_id":"…"` / `"transfer_id":"…"` in the canonical payload, built by valuation.ts) so
-- that only they are parsed.
WITH mark AS (
  SELECT last_seq FROM ledger_watermark WHERE id = 1
),
excluded AS (
  SELECT seq FROM event_log
  WHERE event_id IN (SELECT unnest(from_json($exclude_event_ids::JSON, '["VARCHAR"]')))
),
po_ids AS (SELECT unnest(from_json($po_ids::JSON, '["VARCHAR"]')) AS id),
transfer_ids AS (SELECT unnest(from_json($transfer_ids::JSON, '["VARCHAR"]')) AS id),
tail AS (
  SELECT seq, type, payload
  FROM stg_event_log
  WHERE seq > (SELECT last_seq FROM mark)
    AND type IN ('po_created', 'transfer_shipped')
    AND (regexp_matches(payload, $po_pattern) OR regexp_matches(payload, $transfer_pattern))
    AND seq NOT IN (SELECT seq FROM excluded)
)
SELECT 'po_created' AS type, po_id AS id, node_id, sku, qty::DOUBLE AS qty, unit_cost
FROM ledger_po_events
WHERE event_type = 'po_created' AND po_id IN (SELECT id FROM po_ids)
  AND seq <= (SELECT last_seq FROM mark) AND seq NOT IN (SELECT seq FROM excluded)
UNION ALL
SELECT 'transfer_shipped', s.transfer_id, s.peer_node_id, k.sku, s.qty::DOUBLE, NULL
FROM ledger_stock s
JOIN ledger_keys k USING (key_id)
WHERE s.event_type = 'transfer_shipped' AND s.bucket = 'in_transit' AND s.transfer_id IN (SELECT id FROM transfer_ids)
  AND s.seq <= (SELECT last_seq FROM mark) AND s.seq NOT IN (SELECT seq FROM excluded)
UNION ALL
SELECT 'po_created', payload->>'po_id', payload->>'node_id', line->>'sku', (line->>'qty')::DOUBLE,
       (line->>'unit_cost')::DOUBLE
FROM tail, unnest(from_json(payload->'lines', '["JSON"]')) AS l(line)
WHERE type = 'po_created'
UNION ALL
SELECT 'transfer_shipped', f[1], f[2], f[3], f[4]::DOUBLE, NULL
FROM (
  SELECT json_extract_string(payload, ['$.transfer_id', '$.from_node_id', '$.sku', '$.qty']) AS f
  FROM tail WHERE type = 'transfer_shipped'
)
ORDER BY 1, 2
