import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../src/warehouse/migrations.ts';
import { applyModels, loadModels, orderModels } from '../../../src/warehouse/sql-runner.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

function writeSql(root: string, relative: string, sql: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sql);
}

describe('SQL runner', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-sql-'));
    warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), { migrate: false });
  });
  afterEach(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('orders models by their references across layers, whatever the file names', () => {
    writeSql(dir, 'sql/marts/a_mart.sql', 'SELECT * FROM z_ledger');
    writeSql(dir, 'sql/ledger/z_ledger.sql', 'SELECT * FROM b_staging JOIN a_staging USING (k)');
    writeSql(dir, 'sql/staging/b_staging.sql', 'SELECT k FROM a_staging');
    writeSql(dir, 'sql/staging/a_staging.sql', 'SELECT 1 AS k');
    const order = orderModels(loadModels(path.join(dir, 'sql'))).map((model) => model.name);
    expect(order).toEqual(['a_staging', 'b_staging', 'z_ledger', 'a_mart']);
  });

  it('rejects cycles and reads of a later layer', () => {
    writeSql(dir, 'sql/staging/x.sql', 'SELECT * FROM y');
    writeSql(dir, 'sql/staging/y.sql', 'SELECT * FROM x');
    expect(() => orderModels(loadModels(path.join(dir, 'sql')))).toThrow(/cycle/);
    fs.rmSync(path.join(dir, 'sql'), { recursive: true });
    writeSql(dir, 'sql/staging/early.sql', 'SELECT * FROM late');
    writeSql(dir, 'sql/marts/late.sql', 'SELECT 1 AS k');
    expect(() => orderModels(loadModels(path.join(dir, 'sql')))).toThrow(/later layer/);
  });

  it('ignores names that appear only in comments', () => {
    writeSql(dir, 'sql/staging/a.sql', '-- grain: built before b\nSELECT 1 AS k');
    writeSql(dir, 'sql/staging/b.sql', 'SELECT 2 AS k -- not from a');
    const models = loadModels(path.join(dir, 'sql'));
    expect(models.find((model) => model.name === 'b')!.dependsOn).toEqual([]);
  });

  it('builds views and tables, and rebuilds only what changed and its dependents', async () => {
    const sqlDir = path.join(dir, 'sql');
    writeSql(dir, 'sql/staging/base.sql', 'SELECT 1 AS k');
    writeSql(dir, 'sql/ledger/doubled.sql', '-- materialized: table\nSELECT k * 2 AS k FROM base');
    writeSql(dir, 'sql/marts/other.sql', 'SELECT 42 AS answer');
    expect((await applyModels(warehouse, sqlDir)).sort()).toEqual(['base', 'doubled', 'other']);
    expect(await applyModels(warehouse, sqlDir)).toEqual([]);
    const kinds = await warehouse.all<{ name: string; kind: string }>(
      `SELECT view_name AS name, 'view' AS kind FROM duckdb_views() WHERE NOT internal
       UNION ALL SELECT table_name, 'table' FROM duckdb_tables() WHERE table_name IN ('doubled') ORDER BY 1`,
    );
    expect(kinds).toEqual([
      { name: 'base', kind: 'view' },
      { name: 'doubled', kind: 'table' },
      { name: 'other', kind: 'view' },
    ]);
    writeSql(dir, 'sql/staging/base.sql', 'SELECT 5 AS k');
    expect((await applyModels(warehouse, sqlDir)).sort()).toEqual(['base', 'doubled']);
    expect(await warehouse.all('SELECT k FROM doubled')).toEqual([{ k: 10 }]);
  });
});

describe('migrations', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-mig-'));
    warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), { migrate: false });
  });
  afterEach(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies pending migrations once, in version order', async () => {
    writeSql(dir, 'm/0002_more.sql', 'INSERT INTO t VALUES (2);');
    writeSql(dir, 'm/0001_start.sql', 'CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);');
    expect(await applyMigrations(warehouse, path.join(dir, 'm'))).toBe(2);
    expect(await applyMigrations(warehouse, path.join(dir, 'm'))).toBe(0);
    expect(await warehouse.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('refuses an applied migration that was edited afterwards', async () => {
    writeSql(dir, 'm/0001_start.sql', 'CREATE TABLE t (v INTEGER);');
    await applyMigrations(warehouse, path.join(dir, 'm'));
    writeSql(dir, 'm/0001_start.sql', 'CREATE TABLE t (v BIGINT);');
    await expect(applyMigrations(warehouse, path.join(dir, 'm'))).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('rolls back a failing migration entirely', async () => {
    writeSql(
      dir,
      'm/0001_bad.sql',
      'CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1); SELECT * FROM missing;',
    );
    await expect(applyMigrations(warehouse, path.join(dir, 'm'))).rejects.toThrow();
    const tables = await warehouse.all("SELECT table_name FROM duckdb_tables() WHERE table_name = 't'");
    expect(tables).toEqual([]);
    expect(await warehouse.all('SELECT * FROM schema_migrations')).toEqual([]);
  });
});
