import fs from 'node:fs';
import path from 'node:path';
import { SQL_DIR } from '../warehouse/config.ts';

/** The workflow's queries: one file per query in `sql/workflow/`, named parameters only. */
export const WORKFLOW_SQL_DIR = path.join(SQL_DIR, 'workflow');

const cache = new Map<string, string>();

/** The text of `sql/workflow/<name>.sql` (trailing semicolon dropped). */
export function workflowSql(name: string): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = fs
      .readFileSync(path.join(WORKFLOW_SQL_DIR, `${name}.sql`), 'utf8')
      .trim()
      .replace(/;\s*$/, '');
    cache.set(name, sql);
  }
  return sql;
}
