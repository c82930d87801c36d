-- assert: every exception has its own exception_id (the CLI, the API and the workflow address exceptions by it;
-- each episode of a condition has its own, and a tracked exception keeps one row however late events move it)
SELECT exception_id, count(*) AS copies
FROM exceptions
GROUP BY exception_id
HAVING count(*) > 1
