import fs from 'node:fs';
import path from 'node:path';
import { SQL_DIR } from '../warehouse/config.ts';
import type { Params, Warehouse } from '../warehouse/warehouse.ts';

/** Replenishment's SQL: one SELECT per file in `sql/replenishment/`, named after what it produces. */
export const REPLENISHMENT_SQL_DIR = path.join(SQL_DIR, 'replenishment');

/** Files that are read models: created as views so analysts can query them by name. */
export const READ_MODELS = [
  'supplier_po_history',
  'supplier_performance',
  'supplier_performance_monthly',
  'supplier_exposure',
  'replenishment_exceptions',
] as const;
export type ReadModel = (typeof READ_MODELS)[number];

const cache = new Map<string, string>();

/** The text of `sql/replenishment/<name>.sql`, trailing semicolon dropped. */
export function replenishmentSql(name: string): string {
  if (name === 'supplier_exposure') return exposureAsOfLatest();
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = fs
      .readFileSync(path.join(REPLENISHMENT_SQL_DIR, `${name}.sql`), 'utf8')
      .trim()
      .replace(/;\s*$/, '');
    cache.set(name, sql);
  }
  return sql;
}

/**
 * exposure.sql as a parameterless view: as of the business clock (sql/ledger/business_clock.sql), over 28 days
 * of demand (the API and CLI run the file itself with their own parameters).
 */
function exposureAsOfLatest(): string {
  return replenishmentSql('exposure')
    .replace(/--[^\n]*/g, '') // the parameters are named in the comments too
    .replaceAll('$as_of', '(SELECT clock_at FROM business_clock)')
    .replaceAll('$days', '28');
}

/** The read models a file reads (by name, in dependency order, itself excluded). */
function dependencies(name: string, seen = new Set<string>()): string[] {
  const body = replenishmentSql(name).replace(/--[^\n]*/g, ' ');
  const found: string[] = [];
  for (const other of READ_MODELS) {
    if (other === name || seen.has(other) || !new RegExp(`\\b${other}\\b`).test(body)) continue;
    seen.add(other);
    found.push(...dependencies(other, seen), other);
  }
  return [...new Set(found)];
}

/**
 * A query that runs whether or not the read-model views exist: the models it reads are inlined as CTEs
 * (the API's read connections cannot create views, and a fresh warehouse has none yet).
 */
export function renderQuery(name: string): string {
  const ctes = [...dependencies(name), name].map((dep) => `${dep} AS (\n${replenishmentSql(dep)}\n)`);
  return `WITH ${ctes.join(',\n')}\nSELECT * FROM ${name}`;
}

/** Creates (or replaces) the read-model views; run by `retailos replenish plan` and the tests. */
export async function ensureReadModels(warehouse: Warehouse): Promise<void> {
  for (const name of READ_MODELS) {
    await warehouse.run(`CREATE OR REPLACE VIEW ${name} AS\n${replenishmentSql(name)}`);
  }
}

/** Rows of a replenishment query, filtered by the caller's WHERE on its columns (named parameters only). */
export async function queryModel<T = Record<string, unknown>>(
  warehouse: Warehouse,
  name: string,
  where = '',
  params?: Params,
  orderBy = '',
): Promise<T[]> {
  const sql = `SELECT * FROM (${renderQuery(name)}) q ${where ? `WHERE ${where}` : ''} ${orderBy ? `ORDER BY ${orderBy}` : ''}`;
  return warehouse.all<T>(sql, params);
}

/** Read models a query file reads, inlined; plus the file itself as the final SELECT (with parameters). */
export function renderWithModels(name: string): string {
  const deps = dependencies(name);
  if (deps.length === 0) return replenishmentSql(name);
  const ctes = deps.map((dep) => `${dep} AS (\n${replenishmentSql(dep)}\n)`);
  return `WITH ${ctes.join(',\n')},\n${name}__q AS (\n${replenishmentSql(name)}\n)\nSELECT * FROM ${name}__q`;
}
