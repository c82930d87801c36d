-- assert: no event_id landed twice (idempotency)
SELECT event_id, count(*) AS copies
FROM event_log
GROUP BY event_id
HAVING count(*) > 1
