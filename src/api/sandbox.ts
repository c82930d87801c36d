import type { DuckDBConnection } from '@duckdb/node-api';
import { SqlGuard } from '../sandbox/guard.ts';
import { type CappedResult, readCapped } from '../sandbox/results.ts';
import { AnalystQueryError, messageOf } from '../warehouse/query.ts';

export interface SandboxLimits {
  /**
   * A query still running this long after it got a connection is interrupted, and its caller answered
   * at once: the limit covers parsing, planning (constant folding), execution and reading the result.
   */
  timeoutMs: number;
  /** Most rows returned; a longer result is cut and marked truncated. */
  maxRows: number;
  /** Most queries waiting for a sandbox connection; beyond it the sandbox is busy. */
  maxWaiting: number;
  /** Most bytes of one result (as JSON text); a larger one stops with `result_too_large`. Default 32 MiB. */
  maxResultBytes?: number;
}

export const DEFAULT_MAX_RESULT_BYTES = 32 * 1024 * 1024;

export type SandboxResult = CappedResult;

/** While a timed-out query has not returned, it is interrupted again this often. */
const REINTERRUPT_MS = 250;

/**
 * Analyst SQL on the server's own DuckDB instance, which the server opens
 * with `enable_external_access = false` (no file, network or extension
 * access) and whose configuration it locks after start-up
 * (`lock_configuration`). On top of that, on dedicated connections:
 *
 * 1. SqlGuard (src/sandbox/guard.ts): one statement, whose parse tree names
 *    only allow-listed relations, table functions and functions, and whose
 *    plan scans no key or secret table;
 * 2. it runs inside `BEGIN TRANSACTION READ ONLY`, so anything that would
 *    write (even `nextval`) fails in DuckDB's transaction manager;
 * 3. a timer started before the text is parsed interrupts it after
 *    `timeoutMs`, and the caller is answered then even if DuckDB is still
 *    folding a constant (the connection returns to the pool when DuckDB
 *    does);
 * 4. the result streams in chunks and stops at `maxRows` (truncated) or
 *    `maxResultBytes` (refused).
 *
 * See docs/api.md for why this is one instance and not a second one on the
 * same file.
 */
export class AnalystSandbox {
  private readonly idle: DuckDBConnection[];
  private readonly queue: ((connection: DuckDBConnection) => void)[] = [];
  private inFlight = 0;
  private closing = false;
  /** Connections running a query, and the promises that settle when each is back. */
  private readonly busy = new Set<DuckDBConnection>();
  private readonly running = new Set<Promise<unknown>>();
  private guard: Promise<SqlGuard> | undefined;
  readonly maxResultBytes: number;

  constructor(
    connections: DuckDBConnection[],
    private readonly limits: SandboxLimits,
  ) {
    this.idle = [...connections];
    this.maxResultBytes = limits.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  }

  get timeoutMs(): number {
    return this.limits.timeoutMs;
  }

  async run(sql: string, maxRows = this.limits.maxRows): Promise<SandboxResult> {
    if (this.closing) throw new AnalystQueryError('The server is shutting down.', 'busy');
    if (this.inFlight >= this.limits.maxWaiting) throw busy();
    this.inFlight++;
    try {
      const connection = await this.acquire();
      return await this.runWithDeadline(connection, sql, Math.min(maxRows, this.limits.maxRows));
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Closes the connections, once every query still running on one has returned (a timed-out query
   * can outlive its request: it is interrupted again and again until DuckDB gives up).
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const connection of this.busy) connection.interrupt();
    await Promise.all([...this.running]);
    for (const connection of this.idle.splice(0)) connection.closeSync();
  }

  /** An idle connection, or the next one released; busy when none frees up within the time limit. */
  private acquire(): Promise<DuckDBConnection> {
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const take = (connection: DuckDBConnection) => {
        clearTimeout(timer);
        resolve(connection);
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(take), 1);
        reject(busy());
      }, this.limits.timeoutMs);
      this.queue.push(take);
    });
  }

  private release(connection: DuckDBConnection): void {
    const next = this.queue.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  private runWithDeadline(
    connection: DuckDBConnection,
    sql: string,
    maxRows: number,
  ): Promise<SandboxResult> {
    const timeout = () =>
      new AnalystQueryError(
        `The query ran longer than ${this.limits.timeoutMs} ms and was stopped.`,
        'timeout',
      );
    let timedOut = false;
    let reinterrupt: NodeJS.Timeout | undefined;
    const stillWanted = () => {
      if (timedOut) throw timeout();
    };
    return new Promise<SandboxResult>((resolve, reject) => {
      const deadline = setTimeout(() => {
        timedOut = true;
        connection.interrupt();
        // DuckDB checks for an interrupt between steps of its work, not inside one function call: keep
        // asking until it comes back, and answer the caller now.
        reinterrupt = setInterval(() => connection.interrupt(), REINTERRUPT_MS);
        reject(timeout());
      }, this.limits.timeoutMs);
      this.busy.add(connection);
      const work = this.runOn(connection, sql, maxRows, stillWanted)
        .then(resolve, (error: unknown) => reject(timedOut ? timeout() : error))
        .finally(() => {
          clearTimeout(deadline);
          clearInterval(reinterrupt);
          this.busy.delete(connection);
          this.running.delete(work);
          this.release(connection);
        });
      this.running.add(work);
    });
  }

  private async runOn(
    connection: DuckDBConnection,
    sql: string,
    maxRows: number,
    stillWanted: () => void,
  ): Promise<SandboxResult> {
    this.guard ??= SqlGuard.create(connection).catch((error: unknown) => {
      this.guard = undefined; // try again with the next query
      throw error;
    });
    const guard = await this.guard;
    await connection.run('BEGIN TRANSACTION READ ONLY');
    try {
      const statement = await guard.prepare(connection, sql, stillWanted).catch((error: unknown) => {
        throw classify(error);
      });
      try {
        stillWanted();
        return await readCapped(statement, { maxRows, maxBytes: this.maxResultBytes }, stillWanted);
      } catch (error) {
        throw classify(error);
      } finally {
        statement.destroySync();
      }
    } finally {
      await connection.run('ROLLBACK').catch(() => {});
    }
  }
}

function busy(): AnalystQueryError {
  return new AnalystQueryError('The SQL sandbox is busy; retry shortly.', 'busy');
}

/**
 * Settings of a sandbox connection, made before the configuration is locked:
 * EXPLAIN shows the unoptimized logical plan too, so the plan check sees
 * scans the optimizer would answer from statistics (`count(*)`); and DuckDB
 * computes little ahead of what the reader has fetched (with its default
 * ~1 MB buffer, 3 chunks of 6 KB rows took 3.6 s and 270 MB of memory
 * before the first reached us; with 64 KB, 0.4 s and 49 MB), so a result
 * stopped at the byte cap has not cost much more than the cap.
 */
export async function configureSandboxConnection(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET explain_output = 'all'");
  await connection.run("SET streaming_buffer_size = '64KB'");
}

/** DuckDB's refusals (permission, read-only transaction) are refusals; the rest are failed queries. */
export function classify(error: unknown): AnalystQueryError {
  const refusal = /Permission Error|read-only mode|configuration has been locked/i;
  if (error instanceof AnalystQueryError) {
    if (error.kind === 'failed' && refusal.test(error.message)) {
      return new AnalystQueryError(error.message.replace(/^Query failed: /, 'Refused: '), 'refused');
    }
    return error;
  }
  const message = messageOf(error);
  if (refusal.test(message)) return new AnalystQueryError(`Refused: ${message}`, 'refused');
  return new AnalystQueryError(`Query failed: ${message}`, 'failed');
}
