/**
 * One business clock (issue 16), on a small simulated retailer in a real warehouse, in a time zone that is not
 * UTC (a time without offset must still mean UTC everywhere):
 *
 * - every clock reader — the SQL view and `ledger_config`, ATP's "today", the workflow, replenishment, the
 *   allocator, alerts, jobs, forecasting, the CLI's context and `status` — reads the same instant, pinned (also
 *   when pinned without an offset), watermarked and on the wall clock;
 * - property: whatever the clock (the watermark, or pinned at random points of the history, or set back after
 *   work was done), nothing retailos writes — workflow, allocator and replenishment events, alerts, plans,
 *   anomaly scores, allocation runs — is dated after it;
 * - listing commands leave the event log (and the other state) exactly as they found it;
 * - order screening never holds an order that shipped or was cancelled.
 */
process.env.TZ = 'America/New_York';

import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertConfig } from '../../src/alerts/config.ts';
import { runAlerts } from '../../src/alerts/service.ts';
import { defaultAsOf } from '../../src/allocation/load.ts';
import { detectOperationalAnomalies } from '../../src/anomaly/operational.ts';
import { startServer } from '../../src/api/server.ts';
import { readBusinessClock } from '../../src/clock/business-clock.ts';
import { ManualClock } from '../../src/clock/sources.ts';
import { runContext } from '../../src/jobs/index.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { loadWarehouseDemand } from '../../src/ml/warehouse/load.ts';
import { operationsContext } from '../../src/operations/context.ts';
import { runPipeline } from '../../src/operations/pipeline.ts';
import { planReplenishment, businessNow as replenishmentNow } from '../../src/replenishment/service.ts';
import { Rng } from '../../src/sim/rng.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { screenOrders } from '../../src/workflow/approvals.ts';
import { businessNow as workflowNow } from '../../src/workflow/clock.ts';
import { syncExceptions } from '../../src/workflow/exceptions.ts';
import { warehouseReader } from '../../src/workflow/reader.ts';
import { ingest, runMain, toJsonl, useTempDir } from '../helpers/retailos.ts';
import { call, createFixture } from '../unit/api/server-fixture.ts';
import { ROUTE_SAMPLES } from './route-samples.ts';

const tmp = useTempDir();
const DAY = 86_400_000;

/** The simulated retailer, ingested and refreshed once; each test works on a copy of the file. */
let base: string;
let baseDir: string;

beforeAll(async () => {
  baseDir = fs.mkdtempSync('/tmp/retailos-clock-');
  const sim = `${baseDir}/sim`;
  await simulate({ scale: 'small', days: 21, seed: 7, noFaults: true }, sim);
  base = `${baseDir}/base.duckdb`;
  const warehouse = await Warehouse.open(base);
  try {
    await ingest(warehouse, [sim]);
    // The simulator's own fulfilment allocates every order it places: copies of some of its last two weeks'
    // orders, under new ids, are left for retailos' allocator to decide.
    const recent = await warehouse.all<{ payload: string }>(
      `SELECT payload FROM event_log
       WHERE type = 'order_placed' AND occurred_at > (SELECT max(occurred_at) FROM event_log) - INTERVAL 14 DAY
       ORDER BY seq LIMIT 40`,
    );
    const copies = recent.map((row, i) => {
      const order = JSON.parse(row.payload) as Record<string, unknown>;
      return { ...order, event_id: `clock-test-order-${i}`, order_id: `CLOCK-${i}` };
    });
    fs.writeFileSync(`${baseDir}/open-orders.jsonl`, toJsonl(copies));
    await ingest(warehouse, [`${baseDir}/open-orders.jsonl`]);
    await refreshLedger(warehouse);
  } finally {
    await warehouse.close();
  }
});

afterAll(() => {
  if (baseDir) fs.rmSync(baseDir, { recursive: true, force: true });
});

function copyOfBase(): string {
  const db = tmp.join('w.duckdb');
  fs.copyFileSync(base, db);
  return db;
}

async function withWarehouse<T>(db: string, work: (w: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await Warehouse.open(db);
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as Date).toISOString();

/** Every clock reader of the system, as ISO text. */
async function readers(db: string): Promise<Record<string, string | null>> {
  const out = await withWarehouse(db, async (w) => {
    const config = await w.one<{ clock: Date; today: Date }>(
      'SELECT clock, (SELECT min(day) FROM available_to_promise) AS today FROM ledger_config',
    );
    const demand = await loadWarehouseDemand(w.connection, { historyDays: 7, horizon: 1, kinds: ['node'] });
    const alerts = await runAlerts(w, { rules: [] } as never, {
      clock: new ManualClock(new Date()),
      sleep: async () => {},
    });
    return {
      'business_clock (TS)': iso((await readBusinessClock(w)).at),
      'ledger_config.clock (SQL)': iso(config?.clock),
      'ATP today (SQL)': iso(config?.today)?.slice(0, 10) ?? null,
      workflow: await workflowNow(warehouseReader(w)),
      replenishment: iso(await replenishmentNow(w)),
      allocator: await defaultAsOf(w),
      alerts: alerts.asOf,
      'job run': iso((await runContext({ warehouse: w })).now),
      'operations context': iso((await operationsContext(w, { actor: 't', role: 'admin' })).now),
      'forecast history ends (day)': demand?.asOf ?? null,
    };
  });
  const status = JSON.parse((await runMain(['status', '--json', '--db', db])).stdout) as {
    clock: { at: string; mode: string };
  };
  return { ...out, 'retailos status': status.clock.at };
}

function expectAllAt(found: Record<string, string | null>, at: string): void {
  const day = at.slice(0, 10);
  const expected = Object.fromEntries(
    Object.keys(found).map((key) => [key, key.includes('day') || key.includes('today') ? day : at]),
  );
  expect(found).toEqual(expected);
}

describe('the business clock', () => {
  it('runs in a zone that is not UTC', () => {
    // the premise of the agreement test below: a local reading of a time without offset would be 5 h off
    expect(new Date(2024, 2, 15, 8).getTimezoneOffset()).not.toBe(0);
  });

  it('every reader agrees: pinned (also without offset), watermarked, and on the wall clock', async () => {
    const db = copyOfBase();
    // pinned without an offset: UTC, in every reader, whatever the machine's zone
    const set = await runMain(['settings', 'clock', '2024-03-15 08:00', '--db', db]);
    expect(set.status, set.stderr).toBe(0);
    expectAllAt(await readers(db), '2024-03-15T08:00:00.000Z');
    // an explicit time without offset given to a command is UTC as well
    const synced = await runMain(['exceptions', 'sync', '--now', '2024-03-15 07:00', '--db', db]);
    expect(synced.stdout).toMatch(/^Synced at 2024-03-15T07:00:00.000Z \(pinned/);

    // automatic on a history far behind the wall clock: the watermark, the newest operational event …
    await runMain(['settings', 'clock', '', '--db', db]);
    const watermark = await withWarehouse(db, async (w) =>
      iso(
        (
          await w.one<{ t: Date }>(
            `SELECT max(occurred_at) AS t FROM event_log
             WHERE coalesce(source, '') NOT IN ('workflow', 'allocator', 'replenishment')
               AND type NOT LIKE '%_upserted' AND type <> 'price_changed'`,
          )
        )?.t,
      ),
    );
    const clock = await withWarehouse(db, readBusinessClock);
    expect(clock.mode).toBe('watermark');
    expect(clock.reason).toMatch(/^watermark \(wall clock is \d+\.\d days past the data\)$/);
    expectAllAt(await readers(db), watermark!);
    // … which retailos' own events (allocations, workflow, plans, alerts) never move
    await withWarehouse(db, async (w) => {
      await runPipeline(w, { trigger: 'test' });
      await syncExceptions(w);
      expect(iso((await readBusinessClock(w)).at)).toBe(watermark);
    });

    // the wall clock when told so: every reader between the wall times around the read
    await runMain(['settings', 'clock', 'wall', '--db', db]);
    const before = Date.now();
    const wall = await withWarehouse(db, async (w) => ({
      ts: (await readBusinessClock(w)).at.getTime(),
      sql: (await w.one<{ clock: Date }>('SELECT clock FROM ledger_config'))!.clock.getTime(),
      mode: (await readBusinessClock(w)).mode,
    }));
    expect(wall.mode).toBe('wall');
    for (const at of [wall.ts, wall.sql]) {
      expect(at).toBeGreaterThanOrEqual(before - 1);
      expect(at).toBeLessThanOrEqual(Date.now());
    }
  });

  it('property: nothing retailos writes is dated after the clock, wherever the clock stands', async () => {
    const watermark = await withWarehouse(copyOfBase(), async (w) => (await readBusinessClock(w)).at);
    const rng = new Rng(16);
    // the watermark itself, then random pins within the last two weeks of the history
    const clocks: (Date | null)[] = [null];
    for (let i = 0; i < 2; i++) clocks.push(new Date(watermark.getTime() - rng.uniform(1, 14) * DAY));
    let deferred = 0;
    for (const pinned of clocks) {
      const db = copyOfBase();
      if (pinned) await runMain(['settings', 'clock', pinned.toISOString(), '--db', db]);
      const label = pinned?.toISOString() ?? 'watermark';
      const clock = await withWarehouse(db, async (w) => {
        const ops = await operationsContext(w, { actor: 'test', role: 'admin' });
        await runPipeline(w, { trigger: 'test' });
        await screenOrders(w, { actor: ops.actor });
        await refreshLedger(w);
        await syncExceptions(w, { now: ops.now.toISOString(), actor: ops.actor });
        await planReplenishment(w, { asOf: ops.now });
        await detectOperationalAnomalies(w, { now: ops.now });
        await runAlerts(w, loadAlertConfig(), { clock: new ManualClock(new Date()), sleep: async () => {} });
        await refreshLedger(w);
        return ops.now;
      });
      await expectNothingAfter(db, clock, label);
      // set back: work done later must not be dated after the earlier clock (nor before what it follows)
      const earlier = new Date(clock.getTime() - 2 * DAY);
      await runMain(['settings', 'clock', earlier.toISOString(), '--db', db]);
      const seq = await withWarehouse(db, async (w) => {
        const before = await w.one<{ s: bigint }>('SELECT max(seq) AS s FROM event_log');
        await runPipeline(w, { trigger: 'test' });
        // overdue conditions vanish with the clock set back; their exceptions' last actions are later: they wait
        deferred += (await syncExceptions(w)).deferred;
        await runAlerts(w, loadAlertConfig(), { clock: new ManualClock(new Date()), sleep: async () => {} });
        return Number(before!.s);
      });
      const late = await withWarehouse(db, (w) =>
        w.all(
          `SELECT type, occurred_at FROM event_log
           WHERE seq > $seq AND occurred_at > $clock::TIMESTAMPTZ`,
          { seq, clock: earlier.toISOString() },
        ),
      );
      expect(late, `${label}, set back two days`).toEqual([]);
    }
    expect(deferred).toBeGreaterThan(0); // the set-back path was exercised
  }, 900_000);

  it('listing commands leave the event log and every other table as they found them', async () => {
    const db = copyOfBase();
    // conditions exist that nobody synced yet: a listing that synced would write here
    await withWarehouse(db, async (w) => {
      await runPipeline(w, { trigger: 'test' });
      await runAlerts(w, loadAlertConfig(), { clock: new ManualClock(new Date()), sleep: async () => {} });
    });
    const before = await fingerprint(db);
    const listings = [
      ['exceptions'],
      ['exceptions', 'list', '--status', 'all', '--format', 'json'],
      ['exceptions', '--no-sync'],
      ['approvals', 'list'],
      ['returns', 'list'],
      ['returns', 'reasons'],
      ['returns', 'recovery'],
      ['returns', 'refunds'],
      ['alerts', 'list'],
      ['alerts', 'rules'],
      ['alerts', 'subscriptions'],
      ['replenish', 'list'],
      ['replenish', 'suppliers'],
      ['replenish', 'exposure'],
      ['status'],
      ['settings'],
      ['settings', 'clock'],
      ['positions'],
    ];
    for (const argv of listings) {
      const result = await runMain([...argv, '--db', db]);
      expect(result.status, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    }
    expect(await fingerprint(db)).toEqual(before);
    // the same queue, written only by the explicit sync
    const synced = await runMain(['exceptions', 'sync', '--db', db]);
    expect(synced.stdout).toMatch(/: [1-9]\d* opened/);
    expect((await fingerprint(db)).events).toBeGreaterThan(before.events!);
  }, 600_000);

  it('the API: /health says which clock and why; every GET route leaves the log and the state as they were', async () => {
    const fx = await createFixture({
      prepare: async (w) => {
        await ingest(w, [`${baseDir}/sim`, `${baseDir}/open-orders.jsonl`]);
        await runPipeline(w, { trigger: 'test' });
      },
      server: { operations: { enabled: false }, jobs: { enabled: false } },
    });
    try {
      const health = await call(fx.url, 'GET', '/health');
      expect(health.json).toMatchObject({
        status: 'ok',
        clock: { mode: 'watermark', reason: expect.stringMatching(/^watermark \(wall clock is [\d.]+ days/) },
      });
      await fx.server.close();
      const before = await fingerprint(fx.db);
      const again = await startServer({
        dbPath: fx.db,
        port: 0,
        logger: pino({ level: 'silent' }),
        operations: { enabled: false },
        jobs: { enabled: false },
      });
      try {
        const reads = Object.entries(ROUTE_SAMPLES).filter(([operation]) => operation.startsWith('get '));
        expect(reads.length).toBeGreaterThan(10);
        for (const [operation, sample] of reads) {
          const reply = await call(again.url, 'GET', sample.route, { key: fx.keys.admin });
          expect(reply.status, `${operation}: ${reply.text.slice(0, 200)}`).toBeLessThan(500);
        }
      } finally {
        await again.close();
      }
      expect(await fingerprint(fx.db)).toEqual(before);
    } finally {
      await fx.dispose();
    }
  }, 600_000);

  it('screening never holds an order that shipped or was cancelled, nor one placed after the clock', async () => {
    const db = copyOfBase();
    // halfway through the history: orders after it are in the log, not yet in business time
    const clock = await withWarehouse(db, async (w) => (await readBusinessClock(w)).at);
    const pinned = new Date(clock.getTime() - 7 * DAY).toISOString();
    await runMain(['settings', 'clock', pinned, '--db', db]);
    const outcome = await withWarehouse(db, async (w) => {
      const held = await screenOrders(w, { actor: 'test' });
      const risky = await w.all<{ order_id: string; shipped: boolean; after: boolean }>(
        `SELECT order_id,
                order_id IN (SELECT payload->>'order_id' FROM event_log WHERE type = 'shipped') AS shipped,
                min(placed_at) > $clock::TIMESTAMPTZ AS after
         FROM ledger_order_lines GROUP BY order_id
         HAVING sum(qty * unit_price) > 1500 OR max(qty) > 20`,
        { clock: pinned },
      );
      const holds = await w.all<{ order_id: string; at: Date }>(
        `SELECT payload->>'order_id' AS order_id, occurred_at AS at FROM event_log
         WHERE type = 'approval_requested' AND (payload->>'kind') = 'high_risk_order'`,
      );
      return { held: held.map((r) => r.requestId.replace('apr-order-', '')), risky, holds };
    });
    const shipped = new Set(outcome.risky.filter((r) => r.shipped).map((r) => r.order_id));
    const after = new Set(outcome.risky.filter((r) => r.after).map((r) => r.order_id));
    // not vacuous: there were risky orders already shipped, and risky orders after the clock
    expect(shipped.size).toBeGreaterThan(0);
    expect(after.size).toBeGreaterThan(0);
    expect(outcome.held.filter((id) => shipped.has(id) || after.has(id))).toEqual([]);
    for (const hold of outcome.holds) expect(hold.at.getTime()).toBeLessThanOrEqual(Date.parse(pinned));
  });
});

/** What a listing must not change: the event log, and the state tables retailos writes beside it. */
async function fingerprint(db: string): Promise<Record<string, number>> {
  return withWarehouse(db, async (w) => {
    const row = await w.one<Record<string, bigint>>(
      `SELECT (SELECT count(*) FROM event_log) AS events, (SELECT coalesce(max(seq), 0) FROM event_log) AS max_seq,
              (SELECT count(*) FROM alerts) AS alerts, (SELECT count(*) FROM alert_deliveries) AS deliveries,
              (SELECT count(*) FROM replenishment_runs) AS plans, (SELECT count(*) FROM allocation_runs) AS allocations,
              (SELECT count(*) FROM anomalies) AS anomalies, (SELECT count(*) FROM job_runs) AS job_runs,
              (SELECT last_seq FROM ledger_watermark) AS ledger_seq`,
    );
    return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)]));
  });
}

/** Every date retailos writes, at most the clock. */
async function expectNothingAfter(db: string, clock: Date, label: string): Promise<void> {
  const found = await withWarehouse(db, (w) =>
    w.all<{ what: string; n: bigint; latest: Date | null }>(
      `SELECT 'events ' || coalesce(source, '') AS what, count(*) AS n, max(occurred_at) AS latest FROM event_log
       WHERE source IN ('workflow', 'allocator', 'replenishment') GROUP BY source
       UNION ALL SELECT 'alerts', count(*), max(greatest(opened_at, last_seen_at, escalated_at, resolved_at)) FROM alerts
       UNION ALL SELECT 'replenishment runs', count(*), max(as_of) FROM replenishment_runs
       UNION ALL SELECT 'allocation runs', count(*), max(as_of) FROM allocation_runs
       UNION ALL SELECT 'anomaly scores', count(*), max(scored_at) FROM anomalies`,
    ),
  );
  const byWhat = new Map(found.map((row) => [row.what, row]));
  // not vacuous: the allocator, the workflow and the plan all wrote something
  for (const what of [
    'events allocator',
    'events workflow',
    'alerts',
    'replenishment runs',
    'anomaly scores',
  ]) {
    expect(Number(byWhat.get(what)?.n ?? 0), `${label}: ${what}`).toBeGreaterThan(0);
  }
  for (const row of found) {
    if (row.latest === null) continue;
    expect(
      row.latest.getTime(),
      `${label}: ${row.what} dated ${row.latest.toISOString()}`,
    ).toBeLessThanOrEqual(clock.getTime());
  }
}
