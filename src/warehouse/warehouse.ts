import fs from 'node:fs';
import path from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  type DuckDBValue,
} from '@duckdb/node-api';
import { UserError } from './errors.ts';
import { applyMigrations } from './migrations.ts';
import { applyModels } from './sql-runner.ts';

export type Params = Record<string, DuckDBValue> | DuckDBValue[];

export interface OpenOptions {
  /** Open without write access: analyst queries, status, exports. */
  readOnly?: boolean;
  /** Apply pending migrations and (re)create changed models. Default: true unless readOnly. */
  migrate?: boolean;
  /** Create the file when missing. Default: true unless readOnly. */
  create?: boolean;
  /** Extra DuckDB settings given when the instance is created. */
  settings?: Record<string, string>;
}

/**
 * The one owner of a DuckDB warehouse file in this process. Everything that
 * reads or writes the warehouse goes through a `Warehouse`: the connection
 * settings (UTC, deterministic ordering), migrations and models live here and
 * nowhere else, so the `ATTACH` target stays configuration.
 */
export class Warehouse {
  private closed = false;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    /** The primary connection; writes go through it. */
    readonly connection: DuckDBConnection,
  ) {}

  static async open(dbPath: string, options: OpenOptions = {}): Promise<Warehouse> {
    const readOnly = options.readOnly ?? false;
    const create = options.create ?? !readOnly;
    const inMemory = dbPath === ':memory:';
    if (!inMemory) {
      if (!fs.existsSync(dbPath)) {
        if (!create) {
          throw new UserError(`No warehouse at ${dbPath}. Create one with: retailos init --db ${dbPath}`);
        }
        fs.mkdirSync(path.dirname(dbPath), { recursive: true });
      }
    }
    const settings: Record<string, string> = { ...options.settings };
    if (readOnly && !inMemory) settings.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(dbPath, settings);
    } catch (error) {
      throw translateOpenError(error, dbPath);
    }
    const connection = await instance.connect();
    await configureConnection(connection);
    const warehouse = new Warehouse(dbPath, readOnly, instance, connection);
    if (options.migrate ?? !readOnly) {
      await applyMigrations(warehouse);
      await applyModels(warehouse);
    }
    return warehouse;
  }

  /** A further connection to the same database (e.g. to stream a read while writing). */
  async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    await configureConnection(connection);
    return connection;
  }

  async run(sql: string, params?: Params): Promise<DuckDBMaterializedResult> {
    return this.connection.run(sql, params);
  }

  /** Rows as plain JS objects (BIGINT as bigint, timestamps as Date). */
  async all<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  async one<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Runs `work` in one transaction: all of it lands, or none of it. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  /** File size of the database and its write-ahead log, in bytes. */
  sizeBytes(): number {
    if (this.path === ':memory:') return 0;
    let total = 0;
    for (const file of [this.path, `${this.path}.wal`]) {
      if (fs.existsSync(file)) total += fs.statSync(file).size;
    }
    return total;
  }

  /** Checkpoints (folds the WAL into the file) and releases the file lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.readOnly) await this.connection.run('CHECKPOINT').catch(() => {});
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

async function configureConnection(connection: DuckDBConnection): Promise<void> {
  // Business time is stored as UTC instants; display them in UTC everywhere so
  // results do not depend on the machine's time zone. Set once for the whole
  // instance (GLOBAL): later connections inherit it, and need no SET — which
  // matters once the server has locked the configuration.
  const current = await connection.runAndReadAll("SELECT current_setting('TimeZone') AS tz");
  if ((current.getRowObjectsJS()[0] as { tz: string }).tz !== 'UTC') {
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
  }
}

function translateOpenError(error: unknown, dbPath: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    return new UserError(
      `The warehouse ${dbPath} is in use by another process (is \`retailos serve\` running?). ` +
        'Stop it, or query through its API.',
      'unavailable',
    );
  }
  if (/not a valid DuckDB database|Unable to open database|IO Error/i.test(message)) {
    return new UserError(`Cannot open the warehouse ${dbPath}: ${message}`, 'unavailable');
  }
  return error instanceof Error ? error : new Error(message);
}
