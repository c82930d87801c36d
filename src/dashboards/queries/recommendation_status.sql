-- grain: one row per (status, kind): how many replenishment recommendations stand in each state (proposed =
-- waiting for a decision; approved, ordered, rejected, superseded …). Counts of every row, not of a list.
SELECT status, kind, count(*)::BIGINT AS recommendations, sum(qty)::BIGINT AS units, sum(cost)::DOUBLE AS cost
FROM replenishment_recommendations GROUP BY ALL ORDER BY 1, 2
