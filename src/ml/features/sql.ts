import fs from 'node:fs';
import path from 'node:path';
import { SQL_DIR } from '../../warehouse/config.ts';

export const ML_SQL_DIR = path.join(SQL_DIR, 'ml');

/** Reads `sql/ml/<name>.sql`. These files are loaded by src/ml, not by the warehouse's model runner. */
export function readMlSql(name: string): string {
  return fs.readFileSync(path.join(ML_SQL_DIR, `${name}.sql`), 'utf8');
}

/**
 * Fills `{{name}}` placeholders with integer constants (window lengths, season). Only integers are
 * accepted — nothing user-typed is ever spliced into SQL; values go through named parameters.
 */
export function renderSql(sql: string, constants: Readonly<Record<string, number>>): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = constants[name];
    if (value === undefined || !Number.isInteger(value))
      throw new Error(`SQL constant {{${name}}} is not an integer`);
    return String(value);
  });
}
