-- Helpers of the feature SQL (TEMP macros, created per connection by src/ml/features/rows.ts).
-- DuckDB counts a negative list index from the end; these return NULL / an empty list instead, so a
-- window reaching before a series' first period never wraps around to its latest values.
CREATE OR REPLACE TEMP MACRO ml_at(xs, k) AS CASE WHEN k >= 1 THEN xs[k] END;
-- the n periods ending at index `last` (1-based, inclusive), clipped at the start of the list
CREATE OR REPLACE TEMP MACRO ml_window(xs, last, n) AS
  CASE WHEN last >= 1 AND n >= 1 THEN xs[greatest(last - n + 1, 1):last] ELSE [] END;
CREATE OR REPLACE TEMP MACRO ml_span(xs, first, last) AS
  CASE WHEN last >= 1 AND last >= first THEN xs[greatest(first, 1):last] ELSE [] END;
