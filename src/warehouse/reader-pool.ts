import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

/**
 * Connections for reads, separate from the write connection: a read never
 * waits inside someone's write transaction, and sees the last committed
 * state (DuckDB's MVCC). Prepared statements are cached per connection.
 */
export class ReaderPool {
  private readonly idle: PooledConnection[];
  private readonly waiting: ((connection: PooledConnection) => void)[] = [];

  constructor(connections: DuckDBConnection[]) {
    this.idle = connections.map((connection) => new PooledConnection(connection));
  }

  async use<T>(work: (connection: PooledConnection) => Promise<T>): Promise<T> {
    const connection =
      this.idle.pop() ?? (await new Promise<PooledConnection>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(connection);
    } finally {
      const next = this.waiting.shift();
      if (next) next(connection);
      else this.idle.push(connection);
    }
  }

  /** Closes the idle connections (call once no request is running). */
  close(): void {
    for (const connection of this.idle.splice(0)) connection.close();
  }
}

export class PooledConnection {
  private readonly statements = new Map<string, DuckDBPreparedStatement>();

  constructor(readonly connection: DuckDBConnection) {}

  /** Runs `sql` (a fixed text from `sql/api/`) with named parameters, as plain JS rows. */
  async all(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = await this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    statement.clearBindings();
    const names = new Set(
      Array.from({ length: statement.parameterCount }, (_, i) => statement.parameterName(i + 1)),
    );
    const bound: Record<string, unknown> = {};
    for (const name of names) bound[name] = params[name] ?? null;
    statement.bind(bound as Parameters<DuckDBPreparedStatement['bind']>[0]);
    const reader = await statement.runAndReadAll();
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  close(): void {
    for (const statement of this.statements.values()) statement.destroySync();
    this.statements.clear();
    this.connection.closeSync();
  }
}
