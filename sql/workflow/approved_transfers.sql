-- grain: one row per (transfer_id, sku, from_node_id, to_node_id) of $transfer_ids (a JSON array of ids)
-- that approved transfer requests cover, with the approved quantity. A raw transfer_shipped from a key
-- without events:bypass_approval passes the policy when it ships what was approved (docs/workflow.md).
WITH wanted AS (
  SELECT unnest(from_json($transfer_ids::JSON, '["VARCHAR"]')) AS transfer_id
)
SELECT action->'transfer'->>'transfer_id' AS transfer_id,
       action->'transfer'->>'sku' AS sku,
       action->'transfer'->>'from_node_id' AS from_node_id,
       action->'transfer'->>'to_node_id' AS to_node_id,
       sum((action->'transfer'->>'qty')::DOUBLE) AS approved_qty
FROM workflow_approvals
WHERE kind = 'transfer' AND status = 'approved'
  AND (action->'transfer'->>'transfer_id') IN (SELECT transfer_id FROM wanted)
GROUP BY ALL
ORDER BY ALL
