-- assert: every exception has its own exception_id (the CLI, the API and the workflow address exceptions by it),
-- and an episode's id is the same whether it is open or cleared (one row per id in exception_episodes too)
SELECT 'exceptions' AS model, exception_id, count(*) AS copies
FROM exceptions
GROUP BY exception_id
HAVING count(*) > 1
UNION ALL
SELECT 'exception_episodes', exception_id, count(*)
FROM exception_episodes
GROUP BY exception_id
HAVING count(*) > 1
