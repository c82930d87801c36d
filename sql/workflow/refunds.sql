-- grain: one row per refund_issued: its return (if any), hours from the return's receipt to the refund, and a
-- flag: 'no_return_received' (names a return never received), 'before_receipt' (refunded before the goods
-- came back), 'late' (more than $late_hours after receipt), else NULL
WITH received AS (
  SELECT (payload->>'return_id') AS return_id, min(occurred_at) AS received_at
  FROM stg_event_log WHERE type = 'return_received'
  GROUP BY ALL
)
SELECT e.event_id, (e.payload->>'order_id') AS order_id, (e.payload->>'line_id') AS line_id,
       (e.payload->>'return_id') AS return_id, CAST((e.payload->>'amount') AS DECIMAL(18, 2)) AS amount,
       e.occurred_at AS refunded_at, r.received_at,
       round(date_diff('second', r.received_at, e.occurred_at) / 3600.0, 2) AS refund_hours,
       CASE WHEN (e.payload->>'return_id') IS NOT NULL AND r.return_id IS NULL THEN 'no_return_received'
            WHEN r.received_at > e.occurred_at THEN 'before_receipt'
            WHEN date_diff('second', r.received_at, e.occurred_at) > $late_hours * 3600 THEN 'late'
       END AS flag
FROM stg_event_log e
LEFT JOIN received r ON r.return_id = (e.payload->>'return_id')
WHERE e.type = 'refund_issued'
  AND ($flagged::BOOLEAN IS NULL OR NOT $flagged::BOOLEAN OR r.return_id IS NULL AND (e.payload->>'return_id') IS NOT NULL
       OR r.received_at > e.occurred_at OR date_diff('second', r.received_at, e.occurred_at) > $late_hours * 3600)
ORDER BY e.occurred_at, e.event_id
