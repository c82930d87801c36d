/**
 * Test fixtures for the API: a warehouse in a temp directory with one key per role, a real server on an
 * ephemeral loopback port, and a small fetch client. No mocks: real DuckDB files, real HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createKey } from '../../../src/api/keys.ts';
import { type RunningServer, type ServerOptions, startServer } from '../../../src/api/server.ts';
import { ROLES, type Role } from '../../../src/auth/roles.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

export type Keys = Record<Role, string>;

export interface Fixture {
  dir: string;
  db: string;
  keys: Keys;
  server: RunningServer;
  url: string;
  /** Stops the server (if running) and removes the directory. */
  dispose(): Promise<void>;
}

/** Drops a relation whichever kind it is (a model may be a view or a table). */
export async function dropRelation(warehouse: Warehouse, name: string): Promise<void> {
  const found = await warehouse.one<{ kind: string }>(
    `SELECT 'VIEW' AS kind FROM duckdb_views() WHERE view_name = $name AND NOT internal AND NOT temporary
     UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $name AND NOT temporary`,
    { name },
  );
  if (found) await warehouse.run(`DROP ${found.kind} ${name}`);
}

/** A new warehouse with one key per role; `prepare` may add fixture relations before the server opens it. */
export async function createFixture(
  options: {
    prepare?: (warehouse: Warehouse) => Promise<void>;
    server?: Partial<ServerOptions>;
    /** Read models to remove so their routes meet a warehouse without them. */
    without?: string[];
  } = {},
): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-api-'));
  const db = path.join(dir, 'warehouse.duckdb');
  const warehouse = await Warehouse.open(db);
  const keys = {} as Keys;
  try {
    for (const role of ROLES)
      keys[role] = (await createKey(warehouse, { role, name: `${role} test key` })).key;
    for (const name of options.without ?? []) await dropRelation(warehouse, name);
    await options.prepare?.(warehouse);
  } finally {
    await warehouse.close();
  }
  const server = await startServer({
    dbPath: db,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    rateLimit: { perSecond: 10_000, burst: 10_000 },
    // The authz tests try a bad key on every route from one address; the throttle has tests of its own.
    authThrottle: { perAddressBurst: 100_000, globalBurst: 1_000_000 },
    ...options.server,
  });
  let stopped = false;
  return {
    dir,
    db,
    keys,
    server,
    url: server.url,
    async dispose() {
      if (!stopped) await server.close();
      stopped = true;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A decoded JSON body under test: its shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted on, not trusted
export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Json;
}

export interface CallOptions {
  key?: string | undefined;
  body?: unknown;
  /** Sent as is (default: JSON.stringify(body)). */
  raw?: string | Buffer;
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** One HTTP request to the server. */
export async function call(
  url: string,
  method: string,
  route: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const hasBody = options.raw !== undefined || options.body !== undefined;
  if (hasBody && options.contentType !== null)
    headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${url}${route}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A valid receipt event. */
export function receiptEvent(
  eventId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
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
