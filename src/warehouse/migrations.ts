import path from 'node:path';
import { SQL_DIR } from './config.ts';
import { UserError } from './errors.ts';
import { readSqlFolder } from './sql-files.ts';
import type { Warehouse } from './warehouse.ts';

export const MIGRATIONS_DIR = path.join(SQL_DIR, 'migrations');

interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies `sql/migrations/NNNN_name.sql` files not yet recorded in
 * `schema_migrations`, each in its own transaction. An applied migration whose
 * file changed afterwards is an error: history is never rewritten in place.
 */
export async function applyMigrations(warehouse: Warehouse, dir = MIGRATIONS_DIR): Promise<number> {
  await warehouse.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const applied = new Map(
    (await warehouse.all<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations')).map(
      (row) => [row.version, row],
    ),
  );
  let count = 0;
  for (const file of readSqlFolder(dir)) {
    const match = /^(\d+)_(.+)$/.exec(file.name);
    if (!match) throw new Error(`Migration file name must be NNNN_name.sql: ${file.file}`);
    const version = Number(match[1]);
    const done = applied.get(version);
    if (done) {
      if (done.checksum !== file.checksum) {
        throw new UserError(
          `Migration ${file.name} was changed after it was applied to this warehouse. ` +
            'Add a new migration instead of editing an applied one.',
        );
      }
      continue;
    }
    await warehouse.transaction(async () => {
      await warehouse.run(file.sql);
      await warehouse.run('INSERT INTO schema_migrations (version, name, checksum) VALUES ($v, $n, $c)', {
        v: version,
        n: match[2]!,
        c: file.checksum,
      });
    });
    count++;
  }
  return count;
}

/** Versions in `sql/migrations` that this warehouse has not applied yet. */
export async function pendingMigrations(warehouse: Warehouse, dir = MIGRATIONS_DIR): Promise<string[]> {
  const exists = await warehouse.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'schema_migrations'",
  );
  const applied = new Set<number>();
  if (exists && exists.n > 0n) {
    for (const row of await warehouse.all<{ version: number }>('SELECT version FROM schema_migrations')) {
      applied.add(row.version);
    }
  }
  return readSqlFolder(dir)
    .filter((file) => !applied.has(Number(file.name.split('_')[0])))
    .map((file) => file.name);
}
