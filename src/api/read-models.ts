import path from 'node:path';
import { toJsonValue } from '../format/rows.ts';
import { SQL_DIR } from '../warehouse/config.ts';
import type { ReaderPool } from '../warehouse/reader-pool.ts';
import { readSqlFolder } from '../warehouse/sql-files.ts';

/** The API's queries: one file per query in `sql/api/`, named parameters only. */
const QUERIES: ReadonlyMap<string, string> = new Map(
  readSqlFolder(path.join(SQL_DIR, 'api')).map((file) => [file.name, file.sql]),
);

export type Row = Record<string, unknown>;

/**
 * Runs the API query `name` (sql/api/<name>.sql) on a reader connection.
 * A read model this warehouse does not have yet (an older schema, or a model
 * another part of retailos has not built) is a 503, not a crash (src/api/error-status.ts).
 */
export async function readModel(
  readers: ReaderPool,
  name: string,
  params: Record<string, unknown>,
): Promise<Row[]> {
  const sql = QUERIES.get(name);
  if (sql === undefined) throw new Error(`No API query sql/api/${name}.sql`);
  const rows = await readers.use((connection) => connection.all(sql, params));
  return rows.map((row) => toJsonValue(row) as Row);
}
