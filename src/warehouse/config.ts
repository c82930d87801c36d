import path from 'node:path';

/** Where the embedded warehouse lives unless `--db` or `RETAILOS_DB` say otherwise. */
export const DEFAULT_DB_PATH = path.join('data', 'retailos.duckdb');

/** `--db` wins over `RETAILOS_DB`, which wins over the default file. */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.RETAILOS_DB ?? DEFAULT_DB_PATH;
  return chosen === ':memory:' ? chosen : path.resolve(chosen);
}

/** The repository root (where `sql/`, `data/` and `package.json` are). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SQL_DIR = path.join(PROJECT_ROOT, 'sql');
