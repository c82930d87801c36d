import { toJsonValue } from '../format/rows.ts';
import { UserError } from '../warehouse/errors.ts';
import type { ReaderPool } from '../warehouse/reader-pool.ts';
import { Warehouse } from '../warehouse/warehouse.ts';

export type Row = Record<string, unknown>;

/**
 * Where a dashboards snapshot reads the warehouse from. Never a second DuckDB instance beside a running
 * server (it would not see the server's later commits): either the file itself while no server holds it,
 * or the server's own analyst SQL endpoint with a key.
 */
export interface SnapshotSource {
  /** For messages: the file or the URL. */
  readonly description: string;
  /** Lower-case names of the tables and views that exist. */
  relations(): Promise<Set<string>>;
  /** Rows as JSON-ready objects (numbers, strings, ISO timestamps). */
  query(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

const RELATIONS_SQL = 'SELECT lower(table_name) AS name FROM information_schema.tables';

/** The warehouse file, opened read-only (fails with exit code 3 while `retailos serve` holds it). */
export async function openFileSource(dbPath: string): Promise<SnapshotSource> {
  let warehouse: Warehouse;
  try {
    warehouse = await Warehouse.open(dbPath, { readOnly: true, migrate: false });
  } catch (error) {
    if (error instanceof UserError && error.category === 'unavailable' && /in use/.test(error.message)) {
      throw new UserError(
        `${error.message} To build from a running server: retailos dashboards build --api http://127.0.0.1:8080 --key rk_…`,
        'unavailable',
      );
    }
    throw error;
  }
  return {
    description: dbPath,
    async relations() {
      const rows = await warehouse.all<{ name: string }>(RELATIONS_SQL);
      return new Set(rows.map((row) => row.name));
    },
    async query(sql) {
      const rows = await warehouse.all(sql);
      return rows.map((row) => toJsonValue(row) as Row);
    },
    close: () => warehouse.close(),
  };
}

const API_MAX_ROWS = 100_000;

/**
 * A running server's POST /api/v1/sql, and GET /api/v1/sql/relations for what exists (the SQL sandbox
 * reads no catalog). The key needs sql:query: admin or analyst.
 */
export function apiSource(baseUrl: string, key: string, fetchImpl: typeof fetch = fetch): SnapshotSource {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, baseUrl).toString();
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new UserError(`Cannot reach ${baseUrl}: ${(error as Error).message}`, 'unavailable');
    }
    const answer = (await response.json().catch(() => ({}))) as T & { detail?: string; code?: string };
    if (response.status === 401 || response.status === 403) {
      throw new UserError(
        `The server refused the key (${response.status}): ${answer.detail ?? ''}`,
        'invalid',
      );
    }
    if (!response.ok) throw new Error(answer.detail ?? `${method} ${url} answered ${response.status}`);
    return answer;
  }
  async function query(sql: string): Promise<Row[]> {
    const answer = await call<{ rows?: Row[]; truncated?: boolean }>('POST', '/api/v1/sql', {
      sql,
      format: 'json',
      max_rows: API_MAX_ROWS,
    });
    // A cut dataset would show wrong totals: refuse it (the page then says it is not computed).
    if (answer.truncated)
      throw new Error(`more than ${API_MAX_ROWS} rows through the SQL endpoint; build from the file`);
    return answer.rows ?? [];
  }
  return {
    description: baseUrl,
    async relations() {
      const answer = await call<{ relations?: { name: string }[] }>('GET', '/api/v1/sql/relations');
      return new Set((answer.relations ?? []).map((relation) => relation.name));
    },
    query,
    async close() {},
  };
}

/**
 * Inside `retailos serve`: the server's own reader connections (the same DuckDB instance, so every
 * committed write is visible). Queries are run unprepared so the pool's statement cache stays small.
 */
export function readerSource(readers: ReaderPool): SnapshotSource {
  async function query(sql: string): Promise<Row[]> {
    return readers.use(async (pooled) => {
      const reader = await pooled.connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((row) => toJsonValue(row) as Row);
    });
  }
  return {
    description: 'the running server',
    async relations() {
      const rows = await query(RELATIONS_SQL);
      return new Set(rows.map((row) => String(row.name)));
    },
    query,
    async close() {},
  };
}
