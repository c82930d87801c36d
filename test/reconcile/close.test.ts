/**
 * Finance close speed reconciled with the simulator's truth: the small retailer is simulated with a share of
 * its events delivered 2-6 days late (seeded), landed in delivery order with a ledger refresh, and every late
 * event's arrival, every day's, week's and month's days to settle and the close_days KPI are checked against
 * what the simulator knows it delivered when (`truth/late.csv`, src/sim/late-truth.ts). Which late events move
 * money is decided here from the retailer's side: their type, the count's book (`truth/counts.csv`) and the
 * grading's disposition — not from the warehouse.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { ingest } from '../helpers/retailos.ts';
import { pinClock, rows } from '../unit/ledger/fixtures.ts';
import { type Row, readCsv } from './truth.ts';

const DAYS = 24;
const CLOCK = '2024-03-28T00:00:00Z'; // the end of the last simulated day (the small retailer starts 2024-03-04)
const DAY_MS = 86_400_000;

/** Late events that book inventory value, revenue or refunds whatever their content. */
const ALWAYS_MONEY = new Set([
  'receipt',
  'pos_sale',
  'shipped',
  'refund_issued',
  'return_received',
  'adjustment',
  'transfer_shipped',
]);

interface LateTruth {
  eventId: string;
  type: string;
  occurredAt: number;
  deliveredAt: number;
}

let dir: string;
let warehouse: Warehouse;
let late: LateTruth[];
let money: LateTruth[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-close-'));
  const sim = path.join(dir, 'sim');
  await simulate(
    {
      scale: 'small',
      seed: 7,
      format: 'jsonl',
      days: DAYS,
      lateRate: 0.02,
    },
    sim,
  );
  warehouse = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
  await ingest(warehouse, [sim]);
  await refreshLedger(warehouse);
  await pinClock(warehouse, CLOCK);

  const truthRows = readCsv(path.join(sim, 'truth', 'late.csv'));
  late = truthRows.map((row: Row) => ({
    eventId: row.event_id!,
    type: row.type!,
    occurredAt: Date.parse(row.occurred_at!),
    deliveredAt: Date.parse(row.delivered_at!),
  }));
  // the retailer's side of the late counts and gradings: the book before each count, each grading's disposition
  const countMoves = new Set(
    readCsv(path.join(sim, 'truth', 'counts.csv'))
      .filter((row) => row.system_qty !== row.counted_qty)
      .map((row) => `${Date.parse(row.counted_at!)}|${row.node_id}|${row.sku}`),
  );
  const lateIds = new Set(late.map((event) => event.eventId));
  const payloads = new Map<string, Record<string, unknown>>();
  for (const name of fs.readdirSync(sim).filter((file) => file.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(sim, name), 'utf8').split('\n')) {
      if (line === '') continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      if (lateIds.has(event.event_id as string)) payloads.set(event.event_id as string, event);
    }
  }
  money = late.filter((event) => {
    const payload = payloads.get(event.eventId)!;
    if (ALWAYS_MONEY.has(event.type)) return true;
    if (event.type === 'cycle_count')
      return countMoves.has(`${event.occurredAt}|${payload.node_id}|${payload.sku}`);
    if (event.type === 'return_graded')
      return ['write_off', 'return_to_vendor'].includes(payload.disposition as string);
    return false;
  });
}, 600_000);

afterAll(async () => {
  await warehouse?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Days to settle of the period ending at `end` by the truth: its last change delivered after the end. */
function truthDays(end: number): number {
  let last = end;
  for (const event of money)
    if (event.occurredAt < end && event.deliveredAt > end && event.deliveredAt > last)
      last = event.deliveredAt;
  return Math.round(((last - end) / DAY_MS) * 10_000) / 10_000;
}

describe('finance close against the simulator truth', () => {
  it('finds every late event that moved money, arrived when the simulator delivered it', async () => {
    expect(late.length).toBeGreaterThan(100);
    expect(money.length).toBeGreaterThan(50);
    expect(money.length).toBeLessThan(late.length); // late allocations, picks, orders move no money
    const found = await rows(
      warehouse,
      'SELECT event_id, arrived_at FROM mart_close_late_events ORDER BY event_id',
    );
    const expected = money
      .map((event) => ({ event_id: event.eventId, arrived_at: new Date(event.deliveredAt).toISOString() }))
      .sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
    expect(found).toEqual(expected);
  });

  it('settles every ended day, week and month when its last change arrived', async () => {
    const periods = await rows(
      warehouse,
      `SELECT period_grain, period_start, period_end, days_to_settle FROM mart_close_periods
       WHERE complete ORDER BY period_grain, period_start`,
    );
    expect(periods.filter((row) => row.period_grain === 'day')).toHaveLength(DAYS);
    const expected = periods.map((row) => ({
      ...row,
      days_to_settle: truthDays(Date.parse(row.period_end as string)),
    }));
    expect(periods).toEqual(expected);
    // late deliveries of 2-6 days: some day takes more than a day to settle, none takes a week
    const days = periods.map((row) => row.days_to_settle as number);
    expect(Math.max(...days)).toBeGreaterThan(1);
    expect(Math.max(...days)).toBeLessThan(7);
  });

  it('serves the same figure as the close_days KPI for every ended week', async () => {
    const kpi = await rows(
      warehouse,
      `SELECT period_end, value FROM mart_kpis
       WHERE kpi = 'close_days' AND scope = 'all' AND period_grain = 'week' AND complete ORDER BY period_start`,
    );
    expect(kpi.length).toBeGreaterThanOrEqual(3);
    expect(kpi).toEqual(
      kpi.map((row) => ({ ...row, value: truthDays(Date.parse(row.period_end as string)) })),
    );
  });
});
