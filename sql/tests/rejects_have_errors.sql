-- assert: every reject says why (at least one error with a path and a message)
-- (JSON operators bind looser than IS NULL in DuckDB: keep the parentheses)
SELECT reject_id
FROM rejected_events
WHERE json_array_length(errors) = 0
   OR (errors->0->>'message') IS NULL
   OR (errors->0->>'path') IS NULL
