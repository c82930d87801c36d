/**
 * The simulator's ground truth (`truth/`, src/sim/truth.ts): written beside the events without changing
 * them, and consistent with them — what the retailer did, before any delivery fault.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/contracts/index.ts';
import { simulate } from '../../../src/sim/simulate.ts';
import { TRUTH_MEASURES } from '../../../src/sim/truth.ts';
import { distinctEvents, hashes, ofType, readLines, SMALL, tempDir } from './support.ts';

// No malformed rows here: a POS sale delivered broken is still a sale the retailer made (it is in the truth).
const FAULTS = { lateRate: 0.02, duplicateRate: 0.01, malformed: 0, unknownSkuRate: 0.02 };

function csv(file: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, index) => [columns[index], value])));
}

const round = (value: number) => Math.round(value * 100) / 100;

describe('simulate: ground truth', () => {
  let dir: string;
  let events: Event[];
  let daily: Record<string, string>[];
  const total = (measure: string, where: (row: Record<string, string>) => boolean = () => true) =>
    round(
      daily.filter((row) => row.measure === measure && where(row)).reduce((t, r) => t + Number(r.value), 0),
    );

  beforeAll(async () => {
    dir = path.join(tempDir(), 'out');
    await simulate({ ...SMALL, days: 21, ...FAULTS }, dir);
    events = distinctEvents(readLines(dir));
    daily = csv(path.join(dir, 'truth', 'daily.csv'));
  });

  it('leaves the events byte-identical: the same run without the recorder writes the same event files', async () => {
    const bare = path.join(tempDir(), 'bare');
    const result = await simulate({ ...SMALL, days: 21, ...FAULTS }, bare, { recordTruth: false });
    expect(fs.existsSync(path.join(bare, 'truth'))).toBe(false);
    expect(result.manifest.truth).toEqual([]);
    const withTruth = hashes(dir);
    const without = hashes(bare);
    const eventFiles = Object.keys(without).filter((name) => name.endsWith('.jsonl'));
    expect(eventFiles.length).toBeGreaterThanOrEqual(2);
    for (const name of eventFiles) expect(withTruth[name], name).toBe(without[name]);
    expect(Object.keys(withTruth).filter((name) => name.startsWith('truth/'))).toEqual([
      'truth/counts.csv',
      'truth/daily.csv',
      'truth/incidents.json',
      'truth/nodes.csv',
      'truth/orders.csv',
      'truth/po_lines.csv',
      'truth/positions.csv',
    ]);
  });

  it('writes only known measures, each key once, in day order', () => {
    expect(daily.length).toBeGreaterThan(1000);
    expect(new Set(daily.map((row) => row.measure)).size).toBeGreaterThan(20);
    for (const row of daily) expect(TRUTH_MEASURES).toContain(row.measure);
    const keys = daily.map(
      (row) => `${row.day},${row.measure},${row.channel_id},${row.node_id},${row.category}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    const days = daily.map((row) => row.day!);
    expect([...days].sort()).toEqual(days);
  });

  it('sales, orders and purchase orders agree with the events, and leave the injected unknown-SKU sales out', () => {
    const known = (event: { sku: string }) => !event.sku.startsWith('SKU-LOCAL-');
    const sales = ofType(events, 'pos_sale');
    expect(sales.some((sale) => !known(sale))).toBe(true);
    const shipped = ofType(events, 'shipped');
    expect(total('units_sold')).toBe(
      sales.filter(known).reduce((t, e) => t + e.qty, 0) + shipped.reduce((t, e) => t + e.qty, 0),
    );
    const prices = new Map<string, number>();
    for (const order of ofType(events, 'order_placed'))
      for (const line of order.lines) prices.set(`${order.order_id}/${line.line_id}`, line.unit_price);
    const storeRevenue = sales.filter(known).reduce((t, e) => t + round(e.qty * e.unit_price), 0);
    expect(total('revenue', (row) => row.channel_id === 'STORES')).toBe(round(storeRevenue));
    const online = shipped.reduce((t, e) => t + round(e.qty * prices.get(`${e.order_id}/${e.line_id}`)!), 0);
    expect(total('revenue', (row) => row.channel_id !== 'STORES')).toBe(round(online));
    const refunds = ofType(events, 'refund_issued').reduce((t, e) => t + e.amount, 0);
    expect(total('refunds')).toBe(round(refunds));
    const orders = csv(path.join(dir, 'truth', 'orders.csv'));
    expect(orders.map((row) => row.order_id).sort()).toEqual(
      ofType(events, 'order_placed')
        .map((event) => event.order_id)
        .sort(),
    );
    const unitsShipped = orders.reduce((t, row) => t + Number(row.units_shipped), 0);
    expect(unitsShipped).toBe(shipped.reduce((t, e) => t + e.qty, 0));
    const poLines = csv(path.join(dir, 'truth', 'po_lines.csv'));
    expect(poLines).toHaveLength(ofType(events, 'po_created').reduce((t, e) => t + e.lines.length, 0));
    const received = ofType(events, 'receipt').filter((event) => event.po_id !== undefined);
    expect(poLines.reduce((t, row) => t + Number(row.received_qty), 0)).toBe(
      received.reduce((t, e) => t + e.qty, 0),
    );
    expect(total('po_received_units')).toBe(received.reduce((t, e) => t + e.qty, 0));
  });

  it('stock at the end is the book: on hand by bucket, in transit, and the true shelf beside it', () => {
    const positions = csv(path.join(dir, 'truth', 'positions.csv'));
    const lastDay = daily.filter((row) => row.measure === 'accounts').at(-1)!.day;
    const onHandAtEnd = daily.filter((row) => row.day === lastDay && row.measure === 'on_hand_units');
    const sum = (rows: Record<string, string>[], key: string) => rows.reduce((t, r) => t + Number(r[key]), 0);
    expect(sum(positions, 'on_hand')).toBe(sum(onHandAtEnd, 'value'));
    for (const p of positions) {
      expect(Number(p.on_hand)).toBe(
        Number(p.sellable) + Number(p.damaged) + Number(p.returns_pending) + Number(p.repair),
      );
      expect(Number(p.available)).toBe(Number(p.sellable) - Number(p.reserved));
    }
    // hidden shrink: the shelf holds less than the book somewhere, and never more than book + misplaced
    expect(positions.some((p) => Number(p.shelf) < Number(p.sellable))).toBe(true);
    const incidents = JSON.parse(fs.readFileSync(path.join(dir, 'truth', 'incidents.json'), 'utf8'));
    expect(incidents).toHaveProperty('scenarios');
    expect(incidents).toHaveProperty('dcShortStaffed');
  });
});
