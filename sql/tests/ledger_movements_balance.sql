-- assert: conservation: every event's postings sum to zero, in units and in value, in each ledger
SELECT event_id, ledger, sum(qty) AS units, sum(value) AS value
FROM ledger_movements
GROUP BY event_id, ledger
HAVING sum(qty) <> 0 OR coalesce(sum(value), 0) <> 0
