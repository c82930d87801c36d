import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SETTINGS } from '../../../src/warehouse/query.ts';

/**
 * The layers DuckDB enforces under the allow-list (src/sandbox/guard.ts), shown without it: on an
 * instance opened as the server opens the warehouse (SANDBOX_SETTINGS, configuration locked), inside
 * the sandbox's read-only transaction, the statements the allow-list refuses first are still refused by
 * DuckDB itself. If the allow-list ever let one through, these would stop it.
 */
let dir: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-layers-'));
  fs.writeFileSync(path.join(dir, 'outside.csv'), 'a,b\n1,2\n');
  instance = await DuckDBInstance.create(path.join(dir, 'w.duckdb'), { ...SANDBOX_SETTINGS });
  connection = await instance.connect();
  await connection.run('CREATE SEQUENCE reject_id_seq START 1');
  await connection.run('CREATE TABLE api_keys (key_hash VARCHAR)');
  await connection.run('SET lock_configuration = true');
});
afterAll(async () => {
  connection?.closeSync();
  instance?.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `sql` as the sandbox would, in a read-only transaction; DuckDB's error, or 'ran'. */
const failure = async (sql: string): Promise<string> => {
  await connection.run('BEGIN TRANSACTION READ ONLY');
  try {
    await connection.run(sql);
    return 'ran';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await connection.run('ROLLBACK');
  }
};

describe('DuckDB’s own layers, without the allow-list', () => {
  it('external access is off: other files cannot be read, whatever the function', async () => {
    const file = path.join(dir, 'outside.csv');
    for (const sql of [
      `SELECT * FROM read_csv('${file}')`,
      `SELECT * FROM read_text('${file}')`,
      // Not the database's own file: DuckDB lets a query read_blob() it even with external access off
      // (how issue 15's probe got the key hashes). Only the allow-list refuses that.
      `SELECT * FROM '${file}'`,
      `SELECT * FROM glob('${dir}/*')`,
    ]) {
      expect(await failure(sql), sql).toMatch(/file system operations are disabled|Permission Error/);
    }
  });

  it('the transaction is read-only: even nextval is refused', async () => {
    expect(await failure("SELECT nextval('reject_id_seq')")).toMatch(/read-only mode/);
    expect(await failure("INSERT INTO api_keys VALUES ('x')")).toMatch(/read-only mode/);
  });

  it('the configuration is locked', async () => {
    expect(await failure('SET enable_external_access = true')).toMatch(/locked|cannot/i);
    expect(await failure('SET threads = 1')).toMatch(/configuration has been locked/);
  });
});
