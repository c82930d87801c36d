import path from 'node:path';
import { toJsonValue } from '../format/rows.ts';
import { SQL_DIR } from '../warehouse/config.ts';
import { messageOf } from '../warehouse/query.ts';
import type { ReaderPool } from '../warehouse/reader-pool.ts';
import { readSqlFolder } from '../warehouse/sql-files.ts';
import { HttpError } from './problem.ts';

/** The API's queries: one file per query in `sql/api/`, named parameters only. */
const QUERIES: ReadonlyMap<string, string> = new Map(
  readSqlFolder(path.join(SQL_DIR, 'api')).map((file) => [file.name, file.sql]),
);

export type Row = Record<string, unknown>;

/**
 * Runs the API query `name` (sql/api/<name>.sql) on a reader connection.
 * A read model this warehouse does not have yet (an older schema, or a model
 * another part of retailos has not built) is a 503, not a crash.
 */
export async function readModel(
  readers: ReaderPool,
  name: string,
  params: Record<string, unknown>,
): Promise<Row[]> {
  const sql = QUERIES.get(name);
  if (sql === undefined) throw new Error(`No API query sql/api/${name}.sql`);
  try {
    const rows = await readers.use((connection) => connection.all(sql, params));
    return rows.map((row) => toJsonValue(row) as Row);
  } catch (error) {
    const message = messageOf(error);
    const missing = /Catalog Error: Table with name (\S+) does not exist/.exec(message);
    if (missing) {
      throw new HttpError(
        503,
        'read_model_unavailable',
        `The read model ${missing[1]} is not available in this warehouse yet.`,
        { headers: { 'Retry-After': '60' } },
      );
    }
    if (/Binder Error: Referenced column/.test(message)) {
      throw new HttpError(
        503,
        'read_model_unavailable',
        `A read model of this warehouse does not have the documented columns yet (${message.split('\n')[0]}).`,
        { headers: { 'Retry-After': '60' } },
      );
    }
    throw error;
  }
}
