import path from 'node:path';
import { SQL_DIR } from './config.ts';
import { readSqlFolder } from './sql-files.ts';
import type { Warehouse } from './warehouse.ts';

export interface AssertionResult {
  name: string;
  /** The rows that break the assertion (empty = it holds). */
  violations: Record<string, unknown>[];
}

/**
 * Runs the data assertions of `sql/tests/`: each file is a query that returns
 * zero rows when its invariant holds (dbt's convention).
 */
export async function runAssertions(
  warehouse: Warehouse,
  dir = path.join(SQL_DIR, 'tests'),
  maxRows = 20,
): Promise<AssertionResult[]> {
  const results: AssertionResult[] = [];
  for (const file of readSqlFolder(dir)) {
    const query = file.sql.trim().replace(/;\s*$/, '');
    const violations = await warehouse.all(`SELECT * FROM (${query}) LIMIT ${maxRows}`);
    results.push({ name: file.name, violations });
  }
  return results;
}
