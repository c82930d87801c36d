import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../../src/warehouse/config.ts';
import { UserError } from '../../../src/warehouse/errors.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

describe('Warehouse', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-wh-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows business time in UTC on every connection, also after the configuration is locked', async () => {
    const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
    await warehouse.run('SET lock_configuration = true');
    const extra = await warehouse.connect();
    const reader = await extra.runAndReadAll(
      "SELECT current_setting('TimeZone') AS tz, TIMESTAMPTZ '2024-01-01 10:00:00+02'::VARCHAR AS shown",
    );
    expect(reader.getRowObjectsJS()).toEqual([{ tz: 'UTC', shown: '2024-01-01 08:00:00+00' }]);
    extra.closeSync();
    await warehouse.close();
  });

  it('refuses to create a missing file when asked not to, with a hint', async () => {
    const missing = path.join(dir, 'missing.duckdb');
    await expect(Warehouse.open(missing, { readOnly: true })).rejects.toThrow(UserError);
    await expect(Warehouse.open(missing, { readOnly: true })).rejects.toThrow(/retailos init/);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('reports a file held by another process as in use', async () => {
    const file = path.join(dir, 'held.duckdb');
    const first = await Warehouse.open(file);
    const { spawnSync } = await import('node:child_process');
    const other = spawnSync(process.execPath, ['bin/retailos.js', 'status', '--db', file], {
      cwd: path.resolve(import.meta.dirname, '..', '..', '..'),
      encoding: 'utf8',
    });
    await first.close();
    expect(other.status).toBe(3);
    expect(other.stderr).toMatch(/in use by another process/);
  });

  it('resolves --db over RETAILOS_DB over the default', () => {
    expect(resolveDbPath('a.duckdb', { RETAILOS_DB: 'b.duckdb' })).toBe(path.resolve('a.duckdb'));
    expect(resolveDbPath(undefined, { RETAILOS_DB: 'b.duckdb' })).toBe(path.resolve('b.duckdb'));
    expect(resolveDbPath(undefined, {})).toBe(path.resolve('data', 'retailos.duckdb'));
  });
});
