import fs from 'node:fs';
import path from 'node:path';
import { SQL_DIR } from '../warehouse/config.ts';

/** Reads a query file of sql/anomaly or sql/alerts (leading `--` header lines are kept: DuckDB ignores them). */
export function readQuery(folder: 'anomaly' | 'alerts', name: string): string {
  return fs.readFileSync(path.join(SQL_DIR, folder, `${name}.sql`), 'utf8');
}
