-- GET /api/v1/atp: available to promise of one sku (available_to_promise, sql/ledger: sku × node × day),
-- optionally one node and a day range. atp = available_now + inbound_qty expected by the end of that day.
-- params: $sku, $node_id (NULL = any), $from, $to (NULL = open), $limit
SELECT sku, node_id, day, available_now, inbound_qty, atp
FROM available_to_promise
WHERE sku = $sku::VARCHAR
  AND ($node_id::VARCHAR IS NULL OR node_id = $node_id::VARCHAR)
  AND ($from::DATE IS NULL OR day >= $from::DATE)
  AND ($to::DATE IS NULL OR day <= $to::DATE)
ORDER BY node_id, day
LIMIT $limit::BIGINT
