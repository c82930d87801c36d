import { ALLOWED_TABLE_FUNCTIONS, NEVER_SCANNED } from './allow-list.ts';
import { foldName, type Violation } from './syntax.ts';

/**
 * The second line behind the parse-tree check: what DuckDB's binder actually planned. The plan (EXPLAIN
 * FORMAT json with `explain_output = 'all'`: the unoptimized logical plan too, so a scan the optimizer
 * answers from statistics — `count(*)` — still shows) must not scan a table in NEVER_SCANNED, whatever
 * view or macro led there, and must not call a table function outside the allow-list (a built-in macro
 * over `duckdb_views()`, say).
 *
 * `tableFunctions` are the names of every table function of the instance (`duckdb_functions()`): a plan
 * node named after one is a call of it. `seq_scan` is how table scans appear; their table is checked.
 */
export function checkPlan(explainRows: readonly string[], tableFunctions: ReadonlySet<string>): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as { name?: unknown; extra_info?: { Table?: unknown }; children?: unknown };
    const table = record.extra_info?.Table;
    if (typeof table === 'string') {
      const name = foldName(table.split('.').pop() ?? '');
      if (NEVER_SCANNED.has(name) && !seen.has(`t:${name}`)) {
        seen.add(`t:${name}`);
        violations.push({
          kind: 'relation',
          name,
          message: `the table ${name} cannot be read through the SQL sandbox (not even through a view or macro)`,
        });
      }
    }
    if (typeof record.name === 'string') {
      const name = foldName(record.name);
      if (
        name !== 'seq_scan' &&
        tableFunctions.has(name) &&
        !Object.hasOwn(ALLOWED_TABLE_FUNCTIONS, name) &&
        !seen.has(`f:${name}`)
      ) {
        seen.add(`f:${name}`);
        violations.push({
          kind: 'table_function',
          name,
          message: `the query calls the table function ${name}, which is not in the sandbox's allow-list`,
        });
      }
    }
    visit(record.children);
  };
  for (const row of explainRows) visit(JSON.parse(row));
  return violations;
}
