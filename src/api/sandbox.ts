import { type DuckDBConnection, type DuckDBType, StatementType } from '@duckdb/node-api';
import { AnalystQueryError, messageOf, prepareReadStatement } from '../warehouse/query.ts';
import { ReaderPool } from './reader-pool.ts';

export interface SandboxLimits {
  /** A query still running after this long is interrupted. */
  timeoutMs: number;
  /** Most rows returned; a longer result is cut and marked truncated. */
  maxRows: number;
  /** Most queries waiting for a sandbox connection; beyond it the sandbox is busy. */
  maxWaiting: number;
}

export interface SandboxResult {
  columns: string[];
  types: DuckDBType[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

/** Tables an analyst may never read, whatever the query: the API keys' hashes and names. */
const PROTECTED_TABLES = new Set(['api_keys']);

/**
 * Analyst SQL on the server's own DuckDB instance, which the server opens
 * with `enable_external_access = false` (no file, network or extension
 * access: read_csv('/etc/passwd'), COPY, ATTACH of a file, INSTALL/LOAD,
 * EXPORT all fail inside DuckDB) and whose configuration it locks after
 * start-up (`lock_configuration`). On top of that, on dedicated connections:
 *
 * 1. the statement type from DuckDB's parser must be SELECT or EXPLAIN, and a
 *    text holding several statements cannot be prepared at all;
 * 2. it runs inside `BEGIN TRANSACTION READ ONLY`, so anything that would
 *    write (even `nextval`) fails in DuckDB's transaction manager;
 * 3. its plan (unoptimized and optimized) must not scan a protected table (`api_keys`);
 * 4. it is interrupted after `timeoutMs` and its result cut at `maxRows`.
 *
 * See docs/api.md for why this is one instance and not a second one on the
 * same file.
 */
export class AnalystSandbox {
  private readonly pool: ReaderPool;
  private waiting = 0;

  constructor(
    connections: DuckDBConnection[],
    private readonly limits: SandboxLimits,
  ) {
    this.pool = new ReaderPool(connections);
  }

  async run(sql: string, maxRows = this.limits.maxRows): Promise<SandboxResult> {
    if (this.waiting >= this.limits.maxWaiting) {
      throw new AnalystQueryError('The SQL sandbox is busy; retry shortly.', 'busy');
    }
    this.waiting++;
    try {
      return await this.pool.use(({ connection }) =>
        this.runOn(connection, sql, Math.min(maxRows, this.limits.maxRows)),
      );
    } finally {
      this.waiting--;
    }
  }

  close(): void {
    this.pool.close();
  }

  private async runOn(connection: DuckDBConnection, sql: string, maxRows: number): Promise<SandboxResult> {
    await connection.run('BEGIN TRANSACTION READ ONLY');
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      const statement = await prepareReadStatement(connection, sql).catch((error: unknown) => {
        throw classify(error);
      });
      try {
        if (statement.statementType === StatementType.SELECT) await checkPlan(connection, sql);
        timer = setTimeout(() => {
          timedOut = true;
          connection.interrupt();
        }, this.limits.timeoutMs);
        const reader = await statement.streamAndReadUntil(maxRows + 1);
        const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
        return {
          columns: reader.columnNames(),
          types: reader.columnTypes(),
          rows: rows.length > maxRows ? rows.slice(0, maxRows) : rows,
          truncated: rows.length > maxRows,
        };
      } catch (error) {
        if (timedOut) {
          throw new AnalystQueryError(
            `The query ran longer than ${this.limits.timeoutMs} ms and was stopped.`,
            'timeout',
          );
        }
        throw classify(error);
      } finally {
        statement.destroySync();
      }
    } finally {
      if (timer) clearTimeout(timer);
      await connection.run('ROLLBACK').catch(() => {});
    }
  }
}

/**
 * Settings of a sandbox connection, made before the configuration is locked:
 * EXPLAIN shows the unoptimized logical plan too, so the protected-table check
 * sees scans the optimizer would answer from statistics (`count(*)`).
 */
export async function configureSandboxConnection(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET explain_output = 'all'");
}

/** Refuses a plan that scans a protected table (found by DuckDB's binder, so views and CTEs cannot hide it). */
async function checkPlan(connection: DuckDBConnection, sql: string): Promise<void> {
  // `sql` is one SELECT (checked above), so this is exactly one EXPLAIN of it.
  const explain = await connection.prepare(`EXPLAIN (FORMAT json) ${sql}`);
  try {
    if (explain.statementType !== StatementType.EXPLAIN) {
      throw new AnalystQueryError('Only read queries are allowed here.', 'refused');
    }
    const reader = await explain.runAndReadAll();
    const tables = new Set<string>();
    for (const row of reader.getRowObjectsJS()) collectTables(JSON.parse(String(row.explain_value)), tables);
    for (const table of tables) {
      const name = table.split('.').pop()!;
      if (PROTECTED_TABLES.has(name)) {
        throw new AnalystQueryError(`The table ${name} cannot be read through the SQL sandbox.`, 'refused');
      }
    }
  } finally {
    explain.destroySync();
  }
}

function collectTables(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectTables(child, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as { extra_info?: { Table?: unknown }; children?: unknown };
  if (typeof record.extra_info?.Table === 'string') into.add(record.extra_info.Table);
  collectTables(record.children, into);
}

/** DuckDB's refusals (permission, read-only transaction) are refusals; the rest are failed queries. */
function classify(error: unknown): AnalystQueryError {
  if (error instanceof AnalystQueryError) {
    if (
      error.kind === 'failed' &&
      /Permission Error|read-only mode|configuration has been locked/i.test(error.message)
    ) {
      return new AnalystQueryError(error.message.replace(/^Query failed: /, 'Refused: '), 'refused');
    }
    return error;
  }
  const message = messageOf(error);
  if (/Permission Error|read-only mode|configuration has been locked/i.test(message)) {
    return new AnalystQueryError(`Refused: ${message}`, 'refused');
  }
  return new AnalystQueryError(`Query failed: ${message}`, 'failed');
}
