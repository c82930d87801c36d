import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import { UserError } from './errors.ts';
import { Warehouse } from './warehouse.ts';

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Statement kinds an analyst may run: reads only. */
const READ_STATEMENTS = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * Runs one analyst query against the warehouse, sandboxed: the database is
 * opened read-only, access to files and the network is switched off before
 * the query is seen (so `read_csv('/etc/passwd')`, `COPY … TO`, `ATTACH` and
 * `INSTALL` cannot work), configuration is locked, and only a single SELECT
 * (or EXPLAIN) is accepted. Read models resolve unqualified.
 */
export async function runAnalystQuery(dbPath: string, sql: string): Promise<QueryResult> {
  if (sql.trim() === '') throw new UserError('Empty query.');
  // Opening through Warehouse gives the friendly errors for a missing or locked file.
  const probe = await Warehouse.open(dbPath, { readOnly: true });
  await probe.close();
  const instance = await DuckDBInstance.create(dbPath, {
    access_mode: 'READ_ONLY',
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  try {
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run('SET lock_configuration = true');
    let statement: Awaited<ReturnType<typeof connection.prepare>>;
    try {
      statement = await connection.prepare(sql);
    } catch (error) {
      const message = messageOf(error);
      // A read model added by a newer version is missing until the warehouse is brought up to date.
      const hint = /Catalog Error: Table with name/.test(message)
        ? `\nIf it is a read model of a newer retailos, bring the warehouse up to date: retailos init --db ${dbPath}`
        : '';
      throw new UserError(`Query failed: ${message}${hint}`);
    }
    if (!READ_STATEMENTS.has(statement.statementType)) {
      throw new UserError('Only read queries (SELECT, WITH … SELECT, EXPLAIN) are allowed here.');
    }
    try {
      const reader = await statement.runAndReadAll();
      return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Record<string, unknown>[] };
    } catch (error) {
      throw new UserError(`Query failed: ${messageOf(error)}`);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
