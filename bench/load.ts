import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { createKey } from '../src/api/keys.ts';
import { startServer } from '../src/api/server.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import { BATCH, CLIENTS, percentile } from './ingest-http.ts';
import { writeMixedEvents } from './lib/mixed-events.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

const TMP = path.resolve(import.meta.dirname, 'tmp');

/**
 * The clients, in a worker thread so their JSON and fetch work stays off the server's event loop. For
 * `seconds`: CLIENTS loops POST batches of BATCH events; one loop GETs /availability; with `hostile`, one
 * more loop sends pathological requests (deep nesting, huge strings/numbers/objects, bad encodings,
 * corrupt and bomb compression, an oversized body) as fast as they are answered.
 */
const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { url, key, batches, clients, probePath, seconds, hostile } = workerData;
const auth = { authorization: 'Bearer ' + key };
const json = { ...auth, 'content-type': 'application/json' };
const deadline = performance.now() + seconds * 1000;
let next = 0;
const post = { ms: [], statuses: {}, accepted: 0, events: 0 };
const get = { ms: [], statuses: {} };
const bad = { ms: [], statuses: {} };
const count = (into, status) => { into[status] = (into[status] || 0) + 1; };
async function client() {
  while (performance.now() < deadline && next < batches.length) {
    const body = batches[next++];
    const started = performance.now();
    try {
      const response = await fetch(url + '/api/v1/events', { method: 'POST', headers: json, body });
      const text = await response.text();
      post.ms.push(performance.now() - started);
      count(post.statuses, response.status);
      if (response.status === 200) { const reply = JSON.parse(text); post.accepted += reply.accepted; post.events += reply.results.length; }
    } catch (error) { count(post.statuses, 'network:' + error.message); }
  }
}
async function prober() {
  while (performance.now() < deadline) {
    const started = performance.now();
    try {
      const response = await fetch(url + probePath, { headers: auth });
      await response.arrayBuffer();
      get.ms.push(performance.now() - started);
      count(get.statuses, response.status);
    } catch (error) { count(get.statuses, 'network:' + error.message); }
  }
}
function hostileBodies() {
  const event = '{"event_id":"hostile","type":"receipt","occurred_at":"2025-03-01T08:00:00Z","node_id":"S001","sku":"SKU-00001","qty":1,"unit_cost":1';
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  const deepObjects = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const keys = {}; for (let i = 0; i < 20000; i++) keys['k' + i] = i;
  return [
    { body: deep(100000) },
    { body: deepObjects(100000) },
    { body: '[' + event + ',"lines":' + deep(50000) + '}]' },
    { body: '[' + event + ',"note":"' + 'x'.repeat(4 << 20) + '"}]' },
    { body: JSON.stringify([keys]) },
    { body: '[' + event.replace('"qty":1', '"qty":' + '9'.repeat(1000000)) + '}]' },
    { body: Buffer.concat([Buffer.from('[' + event + ',"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]) },
    { body: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } },
    { body: Buffer.from('not brotli at all'), headers: { 'content-encoding': 'br' } },
    { body: zlib.gzipSync(Buffer.alloc(64 << 20, 0x20)), headers: { 'content-encoding': 'gzip' } },
    { body: '[' + event + '}' + ' '.repeat(20 << 20) + ']' },
  ];
}
async function attacker() {
  const bodies = hostileBodies();
  for (let round = 0; performance.now() < deadline; round++) {
    const next = bodies[round % bodies.length];
    const started = performance.now();
    try {
      const response = await fetch(url + '/api/v1/events', { method: 'POST', headers: { ...json, ...(next.headers || {}) }, body: next.body });
      await response.arrayBuffer();
      bad.ms.push(performance.now() - started);
      count(bad.statuses, response.status);
    } catch (error) { count(bad.statuses, 'network:' + error.message); }
  }
}
(async () => {
  const started = performance.now();
  await Promise.all([
    ...Array.from({ length: clients }, client),
    prober(),
    ...(hostile ? [attacker()] : []),
  ]);
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, post, get, bad, exhausted: next >= batches.length });
})();
`;

interface Tally {
  ms: number[];
  statuses: Record<string, number>;
}

interface PhaseResult {
  seconds: number;
  post: Tally & { accepted: number; events: number };
  get: Tally;
  bad: Tally;
  exhausted: boolean;
  health: {
    status: string;
    ledger: { pending_events: number; seconds_behind: number } | null;
    ingest: unknown;
  };
  loadBefore: number[];
  loadAfter: number[];
}

async function batchesOf(events: number): Promise<{ batches: string[]; sku: string }> {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `mixed-${events}.jsonl`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${events.toLocaleString('en-US')} mixed events → ${file}\n`);
    await writeMixedEvents(file, events, 42);
  }
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const batches: string[] = [];
  for (let start = 0; start < lines.length; start += BATCH)
    batches.push(`[${lines.slice(start, start + BATCH).join(',')}]`);
  return { batches, sku: (JSON.parse(lines[0]!) as { sku: string }).sku };
}

/** One phase on a fresh warehouse and a server as shipped (operations pipeline on, scheduled jobs off). */
async function runPhase(
  batches: string[],
  sku: string,
  seconds: number,
  hostile: boolean,
): Promise<PhaseResult> {
  const db = path.join(TMP, 'load.duckdb');
  for (const file of [db, `${db}.wal`]) fs.rmSync(file, { force: true });
  const warehouse = await Warehouse.open(db);
  const key = (await createKey(warehouse, { role: 'admin', name: 'load bench' })).key;
  await warehouse.close();
  const server = await startServer({
    dbPath: db,
    port: 0,
    logger: process.env.BENCH_SERVER_LOG
      ? pino({ level: 'info' }, pino.destination(process.env.BENCH_SERVER_LOG))
      : pino({ level: 'silent' }),
    rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
    limits: { maxEventsPerRequest: BATCH },
    jobs: { enabled: false },
  });
  try {
    // The staging workers load before the clock starts (as in a server that has been up a while).
    await waitFor(async () => {
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        ingest: { staging: { healthy: number } };
      };
      return health.ingest.staging.healthy > 0;
    });
    const loadBefore = os.loadavg();
    const worker = new Worker(CLIENT_CODE, {
      eval: true,
      workerData: {
        url: server.url,
        key,
        batches,
        clients: CLIENTS,
        probePath: `/api/v1/availability?sku=${sku}`,
        seconds,
        hostile,
      },
    });
    const result = await new Promise<Omit<PhaseResult, 'health' | 'loadBefore' | 'loadAfter'>>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    const health = (await (await fetch(`${server.url}/health`)).json()) as PhaseResult['health'];
    return { ...result, health, loadBefore, loadAfter: os.loadavg() };
  } finally {
    await server.close();
    for (const file of [db, `${db}.wal`]) fs.rmSync(file, { force: true });
  }
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become ready');
}

const ms = (value: number) => Number(value.toFixed(1));
const failures = (statuses: Record<string, number>, ok: (status: string) => boolean) =>
  Object.entries(statuses)
    .filter(([status]) => !ok(status))
    .reduce((sum, [, n]) => sum + n, 0);

function phaseRows(label: string, phase: PhaseResult): BenchRow[] {
  const rows: BenchRow[] = [
    {
      metric: `${label}: events/s (accepted)`,
      value: Math.round(phase.post.accepted / phase.seconds),
      unit: 'events/s',
    },
    { metric: `${label}: POST /events requests`, value: phase.post.ms.length, unit: 'requests' },
    { metric: `${label}: POST /events p50`, value: ms(percentile(phase.post.ms, 50)), unit: 'ms' },
    { metric: `${label}: POST /events p99`, value: ms(percentile(phase.post.ms, 99)), unit: 'ms' },
    { metric: `${label}: GET /availability requests`, value: phase.get.ms.length, unit: 'requests' },
    { metric: `${label}: GET /availability p50`, value: ms(percentile(phase.get.ms, 50)), unit: 'ms' },
    { metric: `${label}: GET /availability p99`, value: ms(percentile(phase.get.ms, 99)), unit: 'ms' },
    {
      metric: `${label}: errors (non-2xx, normal clients)`,
      value:
        failures(phase.post.statuses, (s) => s === '200') + failures(phase.get.statuses, (s) => s === '200'),
      unit: 'requests',
      target: '0',
      ok:
        failures(phase.post.statuses, (s) => s === '200') +
          failures(phase.get.statuses, (s) => s === '200') ===
        0,
    },
    {
      metric: `${label}: ledger lag at the end`,
      value: phase.health.ledger?.pending_events ?? -1,
      unit: 'events',
    },
    {
      metric: `${label}: ledger seconds behind at the end`,
      value: phase.health.ledger?.seconds_behind ?? -1,
      unit: 's',
    },
    {
      metric: `${label}: load average (1 min) at the end`,
      value: Number(phase.loadAfter[0]!.toFixed(2)),
      unit: '',
    },
  ];
  if (phase.bad.ms.length > 0) {
    rows.push(
      { metric: `${label}: hostile requests`, value: phase.bad.ms.length, unit: 'requests' },
      {
        metric: `${label}: hostile answered 5xx or not at all`,
        value: failures(phase.bad.statuses, (s) => /^4\d\d$/.test(s)),
        unit: 'requests',
        target: '0',
        ok: failures(phase.bad.statuses, (s) => /^4\d\d$/.test(s)) === 0,
      },
      { metric: `${label}: hostile p99`, value: ms(percentile(phase.bad.ms, 99)), unit: 'ms' },
    );
  }
  return rows;
}

/**
 * `load` (issue 15's closing note): 4 clients post batches of 1,000 mixed events for `seconds` while one
 * client reads GET /availability, against a server as shipped (the operations pipeline keeps the ledger
 * current); events/s, p50/p99 per route, errors, and the ledger lag at the end. Then the same on a fresh
 * warehouse with one more client sending pathological requests all along: the normal clients' figures
 * beside the clean run's show what the hostile one costs them.
 */
export async function benchLoad(options: { events: number; seconds?: number }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const seconds = options.seconds ?? 30;
  const { batches, sku } = await batchesOf(options.events);
  const clean = await runPhase(batches, sku, seconds, false);
  const hostile = await runPhase(batches, sku, seconds, true);
  return {
    name: 'load',
    description: `${CLIENTS} clients × ${BATCH}-event batches for ${seconds} s with GET /availability in parallel (loopback, server as shipped), then the same with a hostile client`,
    startedAt,
    parameters: {
      seconds,
      clients: CLIENTS,
      batch: BATCH,
      eventsAvailable: options.events,
      sku,
      cores: os.availableParallelism(),
      loadAverageBefore: clean.loadBefore.map((value) => Number(value.toFixed(2))),
      cleanRanOutOfEvents: clean.exhausted,
      hostileRanOutOfEvents: hostile.exhausted,
      cleanStatuses: { post: clean.post.statuses, get: clean.get.statuses },
      hostileStatuses: {
        post: hostile.post.statuses,
        get: hostile.get.statuses,
        hostile: hostile.bad.statuses,
      },
      healthAtEnd: { clean: clean.health, hostile: hostile.health },
    },
    rows: [
      ...phaseRows('clean', clean),
      ...phaseRows('hostile', hostile),
      {
        metric: 'POST p99 with a hostile client / clean (same run)',
        value: Number((percentile(hostile.post.ms, 99) / percentile(clean.post.ms, 99)).toFixed(2)),
        unit: 'ratio',
      },
    ],
  };
}
