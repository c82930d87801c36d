-- grain: one row per event in the history of one subject, in ledger order (business time, then arrival).
-- $kind: sku_node ($id = sku, $node = node) | order | po | exception | approval | external ($id = a sales
-- channel's own reference: a Shopify order name `#1001` or id, an Amazon order id, a WooCommerce order
-- number; $channel narrows it to one channel)
-- Besides the subject's own events: the workflow events on its exceptions and approval requests.
WITH external_orders AS (
  -- our order ids of the channel orders with that reference (external_ref, or the channel's id in ours)
  SELECT DISTINCT (payload->>'order_id') AS order_id
  FROM event_log
  WHERE $kind::VARCHAR = 'external'
    AND type IN ('order_placed', 'order_cancelled', 'allocated', 'shipped', 'refund_issued')
    AND ($channel::VARCHAR IS NULL OR starts_with(payload->>'order_id', $channel::VARCHAR || ':'))
    AND ((payload->>'external_ref') IN ($id::VARCHAR, '#' || $id::VARCHAR)
         OR (payload->>'order_id') = $id::VARCHAR
         OR ends_with(payload->>'order_id', ':' || $id::VARCHAR))
),
own AS (
  SELECT seq, event_id, type, occurred_at, received_at, source, actor, payload
  FROM stg_event_log
  WHERE CASE $kind::VARCHAR
          WHEN 'sku_node' THEN (payload->>'sku') = $id::VARCHAR
                               AND $node::VARCHAR IN ((payload->>'node_id'), (payload->>'from_node_id'),
                                                      (payload->>'to_node_id'))
          WHEN 'order' THEN (payload->>'order_id') = $id::VARCHAR
          WHEN 'external' THEN (payload->>'order_id') IN (SELECT order_id FROM external_orders)
          WHEN 'po' THEN (payload->>'po_id') = $id::VARCHAR
                         OR (type = 'approval_requested' AND (payload->'action'->'po'->>'po_id') = $id::VARCHAR)
          WHEN 'exception' THEN (payload->>'exception_id') = $id::VARCHAR
          WHEN 'approval' THEN (payload->>'request_id') = $id::VARCHAR OR event_id = 'wf-act-' || $id::VARCHAR
          ELSE false
        END
),
exceptions AS (
  SELECT DISTINCT (payload->>'exception_id') AS exception_id FROM own WHERE type = 'exception_opened'
),
requests AS (
  SELECT DISTINCT (payload->>'request_id') AS request_id FROM own WHERE type = 'approval_requested'
),
related AS (
  SELECT e.seq, e.event_id, e.type, e.occurred_at, e.received_at, e.source, e.actor, e.payload
  FROM stg_event_log e
  WHERE e.type IN ('exception_acknowledged', 'exception_assigned', 'exception_escalated', 'exception_resolved',
                   'exception_reopened', 'approval_decided', 'approval_cancelled')
    AND ((e.payload->>'exception_id') IN (SELECT exception_id FROM exceptions)
         OR (e.payload->>'request_id') IN (SELECT request_id FROM requests)
         OR e.event_id IN (SELECT 'wf-act-' || request_id FROM requests))
)
SELECT seq, event_id, type, occurred_at, received_at, source, actor, payload
FROM (SELECT * FROM own UNION SELECT * FROM related)
ORDER BY occurred_at, seq
LIMIT $limit::BIGINT
