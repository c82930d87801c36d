import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { createKey } from '../src/api/keys.ts';
import { startServer } from '../src/api/server.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import { writeMixedEvents } from './lib/mixed-events.ts';
import type { BenchReport } from './lib/report.ts';

const TMP = path.resolve(import.meta.dirname, 'tmp');

export const BATCH = 1000;
export const CLIENTS = 4;

export interface LoadResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  accepted: number;
  rejected: number;
  failedRequests: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Latencies (ms) of the availability probe during the load, when one ran. */
  probe: number[];
  /** Latencies (ms) of the same probe before the load (baseline of the same run). */
  idle: number[];
  probeErrors: number;
  probeSku: string;
  readModels: 'ledger' | 'stand-in';
}

/**
 * The clients, in a worker thread so their JSON and fetch work does not sit on
 * the server's event loop (which is what the benchmark watches). Plain
 * JavaScript: it is evaluated as is. Loopback only; the request count is
 * bounded by the batches given.
 */
const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, batches, clients, probePath } = workerData;
const headers = { authorization: 'Bearer ' + key, 'content-type': 'application/json' };
let next = 0;
let accepted = 0, rejected = 0, failed = 0;
let loading = true;
const probe = [];
const idle = [];
let probeErrors = 0;
async function client() {
  while (next < batches.length) {
    const body = batches[next++];
    const response = await fetch(url + '/api/v1/events', { method: 'POST', headers, body });
    const text = await response.text();
    if (response.status !== 200) { failed++; continue; }
    const reply = JSON.parse(text);
    accepted += reply.accepted; rejected += reply.rejected;
  }
}
async function prober() {
  while (loading) {
    const started = performance.now();
    const response = await fetch(url + probePath, { headers });
    await response.arrayBuffer();
    if (response.status === 200) probe.push(performance.now() - started); else probeErrors++;
  }
}
(async () => {
  // Baseline in the same run: the probe alone, before the load starts.
  for (let i = 0; probePath && i < 200; i++) {
    const started = performance.now();
    const response = await fetch(url + probePath, { headers });
    await response.arrayBuffer();
    if (response.status === 200) idle.push(performance.now() - started); else probeErrors++;
  }
  const started = performance.now();
  const probing = probePath ? prober() : Promise.resolve();
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  loading = false;
  await probing;
  parentPort.postMessage({ seconds, accepted, rejected, failed, probe, idle, probeErrors });
})();
`;

/** Stand-ins for the read models the probe reads, when this warehouse has none yet. */
async function ensureReadModels(warehouse: Warehouse): Promise<'ledger' | 'stand-in'> {
  const present = await warehouse.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE table_name IN ('inventory_positions', 'channel_availability')
     UNION ALL SELECT view_name FROM duckdb_views() WHERE view_name IN ('inventory_positions', 'channel_availability')`,
  );
  if (present.length === 2) return 'ledger';
  for (const { name } of present) {
    const view = await warehouse.one(`SELECT 1 FROM duckdb_views() WHERE view_name = $name`, { name });
    await warehouse.run(`DROP ${view ? 'VIEW' : 'TABLE'} ${name}`);
  }
  await warehouse.run(`
    CREATE TABLE inventory_positions AS
    SELECT 'SKU-' || lpad((i % 5000 + 1)::VARCHAR, 5, '0') AS sku, 'S' || lpad((i // 5000 + 1)::VARCHAR, 3, '0') AS node_id,
           10 AS sellable, 1 AS reserved, 9 AS available, 0 AS damaged, 0 AS quarantine, 0 AS repair,
           0 AS returns_pending, 10 AS on_hand, 0 AS in_transit_in, 0 AS on_order, 25.0 AS inventory_value,
           2.5 AS avg_unit_cost
    FROM range(200000) t(i);
    CREATE TABLE channel_availability AS
    SELECT c AS channel_id, 'SKU-' || lpad((i + 1)::VARCHAR, 5, '0') AS sku, 100 AS available
    FROM range(5000) t(i), (VALUES ('WEB'), ('AMZ'), ('STORE')) ch(c);`);
  return 'stand-in';
}

/** Starts a server on a fresh warehouse and posts `events` mixed events in batches of 1,000 from 4 clients. */
export async function runHttpLoad(options: {
  events: number;
  probe: boolean;
  /** Run the server's operations pipeline (ledger refresh + allocation after batches), as shipped. Default true. */
  pipeline?: boolean;
}): Promise<LoadResult> {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `mixed-${options.events}.jsonl`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${options.events.toLocaleString('en-US')} mixed events → ${file}\n`);
    await writeMixedEvents(file, options.events, 42);
  }
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const batches: string[] = [];
  for (let start = 0; start < lines.length; start += BATCH) {
    batches.push(`[${lines.slice(start, start + BATCH).join(',')}]`);
  }
  const probeSku = (JSON.parse(lines[0]!) as { sku: string }).sku;

  const db = path.join(TMP, 'ingest-http.duckdb');
  fs.rmSync(db, { force: true });
  fs.rmSync(`${db}.wal`, { force: true });
  const warehouse = await Warehouse.open(db);
  const key = (await createKey(warehouse, { role: 'admin', name: 'bench' })).key;
  const readModels = options.probe ? await ensureReadModels(warehouse) : 'ledger';
  await warehouse.close();

  const server = await startServer({
    dbPath: db,
    port: 0,
    // BENCH_SERVER_LOG=FILE keeps the server's info log (pipeline runs and their durations) for a look.
    logger: process.env.BENCH_SERVER_LOG
      ? pino({ level: 'info' }, pino.destination(process.env.BENCH_SERVER_LOG))
      : pino({ level: 'silent' }),
    rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
    limits: { maxEventsPerRequest: BATCH },
    operations: { enabled: options.pipeline ?? true },
    jobs: { enabled: false },
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  try {
    loop.enable();
    const worker = new Worker(CLIENT_CODE, {
      eval: true,
      workerData: {
        url: server.url,
        key,
        batches,
        clients: CLIENTS,
        probePath: options.probe ? `/api/v1/availability?sku=${probeSku}` : null,
      },
    });
    const result = await new Promise<{
      seconds: number;
      accepted: number;
      rejected: number;
      failed: number;
      probe: number[];
      idle: number[];
      probeErrors: number;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    loop.disable();
    await worker.terminate();
    return {
      events: lines.length,
      seconds: result.seconds,
      eventsPerSecond: lines.length / result.seconds,
      accepted: result.accepted,
      rejected: result.rejected,
      failedRequests: result.failed,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      probe: result.probe,
      idle: result.idle,
      probeErrors: result.probeErrors,
      probeSku,
      readModels,
    };
  } finally {
    await server.close();
    fs.rmSync(db, { force: true });
    fs.rmSync(`${db}.wal`, { force: true });
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * `ingest-http` (BENCHMARKS.md): POST /api/v1/events with batches of 1,000
 * mixed events from 4 concurrent clients against a real server on loopback;
 * the server's event-loop delay is sampled meanwhile.
 */
export async function benchIngestHttp(options: { events: number }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  // The server as shipped (the ledger refresh and allocation run after batches), then bare landing.
  const load = await runHttpLoad({ events: options.events, probe: false, pipeline: true });
  const bare = await runHttpLoad({ events: options.events, probe: false, pipeline: false });
  return {
    name: 'ingest-http',
    description: `POST /api/v1/events, ${options.events.toLocaleString('en-US')} mixed events in batches of ${BATCH}, ${CLIENTS} concurrent clients (loopback)`,
    startedAt,
    parameters: { events: load.events, batch: BATCH, clients: CLIENTS },
    rows: [
      {
        metric: 'events/s',
        value: Math.round(load.eventsPerSecond),
        unit: 'events/s',
        target: '>= 30,000',
        ok: load.eventsPerSecond >= 30_000,
      },
      {
        metric: 'events/s without the operations pipeline (same run)',
        value: Math.round(bare.eventsPerSecond),
        unit: 'events/s',
      },
      {
        metric: 'event-loop delay p99',
        value: Number(load.loopDelayP99Ms.toFixed(1)),
        unit: 'ms',
        target: '<= 50',
        ok: load.loopDelayP99Ms <= 50,
      },
      { metric: 'event-loop delay max', value: Number(load.loopDelayMaxMs.toFixed(1)), unit: 'ms' },
      { metric: 'seconds', value: Number(load.seconds.toFixed(2)), unit: 's' },
      {
        metric: 'accepted',
        value: load.accepted,
        unit: 'events',
        target: String(load.events),
        ok: load.accepted === load.events,
      },
      {
        metric: 'failed requests',
        value: load.failedRequests,
        unit: 'requests',
        target: '0',
        ok: load.failedRequests === 0,
      },
    ],
  };
}
