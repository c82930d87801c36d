import path from 'node:path';
import { SQL_DIR } from './config.ts';
import { headerDirectives, readSqlFolder, type SqlFile } from './sql-files.ts';
import type { Warehouse } from './warehouse.ts';

/** Model layers, applied in this order (dbt-style: a table's layer is in its folder). */
export const MODEL_LAYERS = ['staging', 'ledger', 'marts'] as const;
export type ModelLayer = (typeof MODEL_LAYERS)[number];

export interface SqlModel extends SqlFile {
  layer: ModelLayer;
  materialized: 'view' | 'table';
  /** Other models this one reads. */
  dependsOn: string[];
}

/**
 * Loads the model files of `sql/<layer>/`. Each file holds one SELECT whose
 * result is the model named after the file; a header line
 * `-- materialized: table` makes it a table instead of a view.
 */
export function loadModels(sqlDir = SQL_DIR): SqlModel[] {
  const files = MODEL_LAYERS.flatMap((layer) =>
    readSqlFolder(path.join(sqlDir, layer)).map((file) => ({ file, layer })),
  );
  const names = new Set(files.map(({ file }) => file.name));
  return files.map(({ file, layer }) => {
    const materialized = headerDirectives(file.sql).get('materialized') === 'table' ? 'table' : 'view';
    const body = stripComments(file.sql);
    const dependsOn = [...names].filter(
      (other) => other !== file.name && new RegExp(`\\b${other}\\b`, 'i').test(body),
    );
    return { ...file, layer, materialized, dependsOn };
  });
}

/** Orders models so every model comes after the models it reads; rejects cycles and upward references. */
export function orderModels(models: SqlModel[]): SqlModel[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const ordered: SqlModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: SqlModel, trail: string[]): void => {
    const seen = state.get(model.name);
    if (seen === 'done') return;
    if (seen === 'visiting')
      throw new Error(`SQL models form a cycle: ${[...trail, model.name].join(' -> ')}`);
    state.set(model.name, 'visiting');
    for (const dependency of model.dependsOn) {
      const upstream = byName.get(dependency)!;
      if (MODEL_LAYERS.indexOf(upstream.layer) > MODEL_LAYERS.indexOf(model.layer)) {
        throw new Error(
          `${model.layer}/${model.name} reads ${upstream.layer}/${upstream.name}, a later layer`,
        );
      }
      visit(upstream, [...trail, model.name]);
    }
    state.set(model.name, 'done');
    ordered.push(model);
  };
  for (const layer of MODEL_LAYERS) {
    for (const model of models.filter((candidate) => candidate.layer === layer)) visit(model, []);
  }
  return ordered;
}

/**
 * (Re)creates the models whose file changed since they were last applied, and
 * everything downstream of them; unchanged models are left alone.
 */
export async function applyModels(warehouse: Warehouse, sqlDir = SQL_DIR): Promise<string[]> {
  await warehouse.run(`CREATE TABLE IF NOT EXISTS sql_models (
    name VARCHAR PRIMARY KEY, layer VARCHAR NOT NULL, materialized VARCHAR NOT NULL,
    checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const recorded = new Map(
    (await warehouse.all<{ name: string; checksum: string }>('SELECT name, checksum FROM sql_models')).map(
      (row) => [row.name, row.checksum],
    ),
  );
  const rebuilt = new Set<string>();
  for (const model of orderModels(loadModels(sqlDir))) {
    const stale =
      recorded.get(model.name) !== model.checksum || model.dependsOn.some((name) => rebuilt.has(name));
    if (!stale) continue;
    await buildModel(warehouse, model);
    rebuilt.add(model.name);
  }
  return [...rebuilt];
}

export async function buildModel(warehouse: Warehouse, model: SqlModel): Promise<void> {
  const select = stripTrailingSemicolon(model.sql);
  await warehouse.transaction(async () => {
    // A model may change between view and table; drop whichever exists.
    const existing = await warehouse.one<{ kind: string }>(
      `SELECT 'VIEW' AS kind FROM duckdb_views() WHERE view_name = $name AND NOT internal
       UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $name AND NOT temporary`,
      { name: model.name },
    );
    if (existing) await warehouse.run(`DROP ${existing.kind} ${model.name}`);
    await warehouse.run(
      `CREATE ${model.materialized === 'table' ? 'TABLE' : 'VIEW'} ${model.name} AS\n${select}`,
    );
    await warehouse.run(
      `INSERT OR REPLACE INTO sql_models (name, layer, materialized, checksum, applied_at)
       VALUES ($name, $layer, $materialized, $checksum, now())`,
      { name: model.name, layer: model.layer, materialized: model.materialized, checksum: model.checksum },
    );
  });
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

function stripTrailingSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}
