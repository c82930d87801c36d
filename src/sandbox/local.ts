import { DuckDBInstance } from '@duckdb/node-api';
import { UserError } from '../warehouse/errors.ts';
import { AnalystQueryError, messageOf, SANDBOX_SETTINGS } from '../warehouse/query.ts';
import { Warehouse } from '../warehouse/warehouse.ts';
import { SqlGuard } from './guard.ts';

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * `retailos sql`: one analyst query against a warehouse file, with the same allow-list as the API
 * (SqlGuard), on a private instance: the file opened read-only, no file or network access, the
 * configuration locked before the query is seen, and the query inside a read-only transaction.
 */
export async function runAnalystQuery(dbPath: string, sql: string): Promise<QueryResult> {
  if (sql.trim() === '') throw new UserError('Empty query.');
  // Opening through Warehouse gives the friendly errors for a missing or locked file.
  const probe = await Warehouse.open(dbPath, { readOnly: true });
  await probe.close();
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY', ...SANDBOX_SETTINGS });
  try {
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      // Shows the unoptimized plan too, so the plan check sees scans answered from statistics.
      await connection.run("SET explain_output = 'all'");
      await connection.run('SET lock_configuration = true');
      const guard = await SqlGuard.create(connection);
      await connection.run('BEGIN TRANSACTION READ ONLY');
      const statement = await guard.prepare(connection, sql).catch((error: unknown) => {
        throw withHint(error, dbPath);
      });
      try {
        const reader = await statement.runAndReadAll();
        return {
          columns: reader.deduplicatedColumnNames(),
          rows: reader.getRowObjectsJS() as Record<string, unknown>[],
        };
      } catch (error) {
        throw new UserError(`Query failed: ${messageOf(error)}`);
      } finally {
        statement.destroySync();
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** A read model added by a newer version is missing until the warehouse is brought up to date. */
function withHint(error: unknown, dbPath: string): unknown {
  if (error instanceof AnalystQueryError && /Catalog Error: Table with name/.test(error.message)) {
    return new AnalystQueryError(
      `${error.message}\nIf it is a read model of a newer retailos, bring the warehouse up to date: retailos init --db ${dbPath}`,
      error.kind,
    );
  }
  return error;
}
