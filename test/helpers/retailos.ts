/**
 * Shared helpers for integration tests: a fresh temp directory per test (removed afterwards, warehouses
 * closed first), ingest shortcuts, Parquet fixtures written by DuckDB itself, and the CLI run both as a real
 * subprocess and in-process through `main`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { type IngestOptions, type IngestSummary, ingestSources } from '../../src/ingest/ingest.ts';
import type { RejectRow } from '../../src/ingest/rejects.ts';
import { resolveSources } from '../../src/ingest/sources.ts';
import { type OpenOptions, Warehouse } from '../../src/warehouse/warehouse.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'ingest');

export interface TempDir {
  /** The current test's directory. */
  readonly path: string;
  join(...parts: string[]): string;
  /** Writes a file (creating parent folders) and returns its absolute path. */
  write(name: string, content: string | Buffer): string;
  /** Opens (creating) a warehouse in the directory; it is closed after the test. */
  open(name?: string, options?: OpenOptions): Promise<Warehouse>;
}

/** Registers hooks giving every test of the file a fresh `retailos-*` temp directory. */
export function useTempDir(): TempDir {
  let current: string | undefined;
  const warehouses: Warehouse[] = [];
  beforeEach(() => {
    current = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-'));
  });
  afterEach(async () => {
    for (const warehouse of warehouses.splice(0)) await warehouse.close();
    if (current) fs.rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  const dir = (): string => {
    if (!current) throw new Error('useTempDir: only available inside a test');
    return current;
  };
  return {
    get path() {
      return dir();
    },
    join: (...parts) => path.join(dir(), ...parts),
    write(name, content) {
      const file = path.join(dir(), name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    async open(name = 'warehouse.duckdb', options = {}) {
      const warehouse = await Warehouse.open(path.join(dir(), name), options);
      warehouses.push(warehouse);
      return warehouse;
    },
  };
}

/** Resolves `inputs` like the CLI does and ingests them. */
export async function ingest(
  warehouse: Warehouse,
  inputs: string[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const { sources } = await resolveSources(inputs);
  return ingestSources(warehouse, sources, options);
}

/** One event per line. */
export function toJsonl(events: readonly object[]): string {
  return `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
}

export function readJsonl(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Runs `COPY (<select>) TO <out> (FORMAT parquet)` in a throwaway in-memory DuckDB. */
export async function writeParquet(select: string, out: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    await connection.run(`COPY (${select}) TO '${out.replaceAll("'", "''")}' (FORMAT parquet)`);
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
  return out;
}

/** SQL string literal. */
export function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export async function count(warehouse: Warehouse, sql: string): Promise<number> {
  const row = await warehouse.one<{ n: bigint | number }>(sql);
  return Number(row?.n);
}

/** Every row of `rejected_events`, errors parsed. */
export async function rejects(warehouse: Warehouse): Promise<Omit<RejectRow, 'received_at'>[]> {
  const rows = await warehouse.all<Record<string, unknown>>(
    `SELECT reject_id, source_file, source_line, event_id, type, reason, errors::VARCHAR AS errors, raw,
            status, resolution
     FROM rejected_events ORDER BY reject_id`,
  );
  return rows.map((row) => ({
    reject_id: Number(row.reject_id),
    source_file: row.source_file as string | null,
    source_line: row.source_line === null ? null : Number(row.source_line),
    event_id: row.event_id as string | null,
    type: row.type as string | null,
    reason: row.reason as string,
    errors: JSON.parse(row.errors as string),
    raw: row.raw as string,
    status: row.status as string,
    resolution: row.resolution as string | null,
  }));
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The real binary in a child process (real exit code, real stderr), with `RETAILOS_DB` unset unless given. */
export function runCli(
  args: string[],
  options: { input?: string; env?: Record<string, string | undefined> } = {},
): CliResult {
  const result = spawnSync(process.execPath, ['bin/retailos.js', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, RETAILOS_DB: undefined, ...options.env },
    // a guard against a hung child, not a speed check (see vitest.config.ts)
    timeout: 280_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** The CLI in-process through `main`, output captured; `env` is all the environment it sees. */
export async function runMain(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const status = await main(argv, { stdout, stderr, env });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/** A stack frame line (`    at fn (file:1:2)`), which a user error must never show. */
export const STACK_FRAME = /^\s+at\s/m;

/** A valid receipt event, with fields overridden as a test needs. */
export function receipt(eventId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: eventId,
    type: 'receipt',
    occurred_at: '2025-03-01T08:00:00Z',
    node_id: 'DC-1',
    sku: 'SKU-1',
    qty: 10,
    unit_cost: 2.5,
    ...overrides,
  };
}
