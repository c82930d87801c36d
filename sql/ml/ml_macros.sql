-- Helpers of the feature SQL (TEMP macros, created per connection by src/ml/features/rows.ts).
-- DuckDB counts a negative list index from the end; these return NULL / an empty list instead, so a
-- window reaching before a series' first period never wraps around to its latest values. They clamp the
-- indexes instead of branching with CASE: a CASE around a list column copies the whole list (the series'
-- full history) for every row, which made the state of 30k series take ~4× longer.
-- the value at index k (NULL before the start or past the end)
CREATE OR REPLACE TEMP MACRO ml_at(xs, k) AS xs[greatest(k, 0)];
-- the n periods ending at index `last` (1-based, inclusive), clipped at the start of the list
CREATE OR REPLACE TEMP MACRO ml_window(xs, last, n) AS xs[greatest(last - n + 1, 1):greatest(last, 0)];
-- the periods first..last, clipped at the start of the list
CREATE OR REPLACE TEMP MACRO ml_span(xs, first, last) AS xs[greatest(first, 1):greatest(last, 0)];
-- the n periods starting at index `first`, positions before the list's start as NULL (so element k is
-- always index first + k − 1; past the end the list is shorter and unnest pads it with NULL)
CREATE OR REPLACE TEMP MACRO ml_slice(xs, first, n) AS
  list_concat(list_resize([], least(greatest(1 - first, 0), greatest(n, 0))),
    xs[greatest(first, 1):greatest(first + n - 1, 0)]);
