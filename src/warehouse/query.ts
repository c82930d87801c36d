import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  StatementType,
} from '@duckdb/node-api';
import { UserError } from './errors.ts';
import { Warehouse } from './warehouse.ts';

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Statement kinds an analyst may run: reads only. */
export const READ_STATEMENTS: ReadonlySet<StatementType> = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
]);

/**
 * Instance settings of an analyst sandbox: no file or network access, no
 * extension installs or loads (parquet, json and icu are built in).
 * `enable_external_access` cannot be switched back on while the instance runs.
 */
export const SANDBOX_SETTINGS: Readonly<Record<string, string>> = {
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/**
 * Why an analyst query gave no result: `refused` (not a single read statement, or it tried to reach
 * what the sandbox forbids), `failed` (DuckDB said no), `timeout` or `busy` (the API's limits).
 */
export class AnalystQueryError extends UserError {
  constructor(
    message: string,
    readonly kind: 'refused' | 'failed' | 'timeout' | 'busy',
  ) {
    super(message);
    this.name = 'AnalystQueryError';
  }
}

/**
 * Prepares `sql` on `connection` and checks, on the statement type DuckDB's
 * own parser gives it, that it is exactly one read statement (SELECT, WITH …
 * SELECT, EXPLAIN). Multiple statements cannot be prepared at once, so they
 * are refused too. The caller runs the returned statement.
 */
export async function prepareReadStatement(
  connection: DuckDBConnection,
  sql: string,
  hintForMissingTable = '',
): Promise<DuckDBPreparedStatement> {
  if (sql.trim() === '') throw new AnalystQueryError('Empty query.', 'refused');
  let statement: DuckDBPreparedStatement;
  try {
    statement = await connection.prepare(sql);
  } catch (error) {
    const message = messageOf(error);
    if (/Cannot prepare multiple statements/i.test(message)) {
      throw new AnalystQueryError('Only one statement per query is allowed here.', 'refused');
    }
    // A read model added by a newer version is missing until the warehouse is brought up to date.
    const hint = /Catalog Error: Table with name/.test(message) ? hintForMissingTable : '';
    throw new AnalystQueryError(`Query failed: ${message}${hint}`, 'failed');
  }
  if (!READ_STATEMENTS.has(statement.statementType)) {
    statement.destroySync();
    throw new AnalystQueryError(
      'Only read queries (SELECT, WITH … SELECT, EXPLAIN) are allowed here.',
      'refused',
    );
  }
  return statement;
}

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
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY', ...SANDBOX_SETTINGS });
  try {
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run('SET lock_configuration = true');
    try {
      const statement = await prepareReadStatement(
        connection,
        sql,
        `\nIf it is a read model of a newer retailos, bring the warehouse up to date: retailos init --db ${dbPath}`,
      );
      try {
        const reader = await statement.runAndReadAll();
        return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Record<string, unknown>[] };
      } catch (error) {
        throw new UserError(`Query failed: ${messageOf(error)}`);
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
