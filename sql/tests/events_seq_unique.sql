-- assert: arrival sequence numbers are unique
SELECT seq, count(*) AS copies
FROM event_log
GROUP BY seq
HAVING count(*) > 1
