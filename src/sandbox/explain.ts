/**
 * `EXPLAIN [ANALYZE] <query>`: DuckDB's parse-tree serializer only takes SELECTs, so the sandbox takes
 * the leading keywords off itself, checks `<query>` like any other query, and then runs an EXPLAIN it
 * builds from the checked text. Whatever this scanner makes of odd input, what runs is a query that
 * passed every check: a misread can refuse a query, never let one through.
 */
export interface ExplainRequest {
  analyze: boolean;
  query: string;
}

/** Skips white space and comments (`-- …` to the end of the line; `/* … *\/`, nested like DuckDB's). */
function skipBlank(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    if (/\s/.test(text[index]!)) {
      index++;
    } else if (text.startsWith('--', index)) {
      const end = text.indexOf('\n', index);
      index = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', index)) {
      let depth = 1;
      index += 2;
      while (index < text.length && depth > 0) {
        if (text.startsWith('/*', index)) {
          depth++;
          index += 2;
        } else if (text.startsWith('*/', index)) {
          depth--;
          index += 2;
        } else {
          index++;
        }
      }
    } else {
      break;
    }
  }
  return index;
}

function wordAt(text: string, index: number): string {
  return /^[A-Za-z_]+/.exec(text.slice(index, index + 32))?.[0] ?? '';
}

/**
 * The query inside an `EXPLAIN` or `EXPLAIN ANALYZE` (undefined when the text does not start with
 * EXPLAIN). `hasOptions`: a parenthesis follows (EXPLAIN options), which the sandbox refuses.
 */
export function splitExplain(sql: string): (ExplainRequest & { hasOptions: boolean }) | undefined {
  let index = skipBlank(sql, 0);
  const first = wordAt(sql, index);
  if (first.toLowerCase() !== 'explain') return undefined;
  index = skipBlank(sql, index + first.length);
  const second = wordAt(sql, index);
  const analyze = /^analy[sz]e$/i.test(second);
  if (analyze) index = skipBlank(sql, index + second.length);
  // `EXPLAIN (FORMAT json) …` options, or a query in parentheses DuckDB would read as options.
  return { analyze, query: sql.slice(index), hasOptions: sql[index] === '(' };
}
