import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type Event } from '../../../src/contracts/index.ts';
import { UNKNOWN_SKUS } from '../../../src/sim/faults.ts';
import { isSimulationOf, readManifest } from '../../../src/sim/simulate.ts';
import { csvColumns } from '../../../src/sim/writers.ts';
import { distinctEvents, hashes, type Line, ofType, readLines, run, SMALL, tempDir } from './support.ts';

const FAULTS = { lateRate: 0.01, duplicateRate: 0.01, malformed: 7, unknownSkuRate: 0.01 };

describe('simulate: determinism', () => {
  it('writes byte-identical files for the same seed and options, and different ones for another seed', async () => {
    const first = await run({ days: 21, ...FAULTS });
    const second = await run({ days: 21, ...FAULTS });
    const other = await run({ days: 21, ...FAULTS, seed: 8 });
    const a = hashes(first.outDir);
    expect(Object.keys(a)).toContain('manifest.json');
    expect(Object.keys(a).filter((name) => name.endsWith('.jsonl')).length).toBeGreaterThanOrEqual(2);
    expect(hashes(second.outDir)).toEqual(a);
    const c = hashes(other.outDir);
    expect(c['00-master.jsonl']).not.toBe(a['00-master.jsonl']);
    expect(c['events-2024-03.jsonl']).not.toBe(a['events-2024-03.jsonl']);
    // the manifest's file hashes are those of the files
    for (const file of first.manifest.files) expect(a[file.name]).toBe(file.sha256);
  });
});

describe('simulate: output of a small run with faults', () => {
  let lines: Line[];
  let events: Event[];
  let manifest: NonNullable<ReturnType<typeof readManifest>>;
  let dir: string;

  beforeAll(async () => {
    const result = await run(FAULTS);
    dir = result.outDir;
    manifest = result.manifest;
    lines = readLines(dir);
    events = distinctEvents(lines);
  });

  it('writes master data first, then one file per month, and a manifest that reads back', () => {
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual([
      '00-master.jsonl',
      'events-2024-03.jsonl',
      'events-2024-04.jsonl',
      'manifest.json',
      'truth',
    ]);
    const master = lines.filter((line) => line.file === '00-master.jsonl').map((line) => line.event!.type);
    expect(new Set(master)).toEqual(
      new Set(['node_upserted', 'lane_upserted', 'supplier_upserted', 'channel_upserted', 'item_upserted']),
    );
    expect(readManifest(dir)).toEqual(manifest);
    expect(isSimulationOf(dir, { ...SMALL, ...FAULTS })).toBe(true);
    expect(isSimulationOf(dir, { ...SMALL, ...FAULTS, seed: 9 })).toBe(false);
  });

  it('emits every event valid against the contract, except exactly the malformed rows asked for', () => {
    const broken = lines.filter((line) => line.event === undefined);
    expect(broken).toHaveLength(FAULTS.malformed);
    expect(manifest.faults.malformed).toBe(FAULTS.malformed);
    // all three kinds of damage: unparsable, a missing quantity, a quantity that is not a number
    expect(broken.some((line) => !line.parsed)).toBe(true);
    expect(broken.some((line) => line.parsed && !line.text.includes('"qty"'))).toBe(true);
    expect(broken.some((line) => line.text.includes(' units"'))).toBe(true);
    expect(lines).toHaveLength(manifest.rows);
  });

  it('counts every valid event in the manifest, by type, with stable unique ids and UTC timestamps', () => {
    expect(events).toHaveLength(manifest.events.total);
    const byType: Record<string, number> = {};
    for (const event of events) byType[event.type] = (byType[event.type] ?? 0) + 1;
    expect(byType).toEqual(manifest.events.byType);
    // a retailer of every kind of event
    expect(EVENT_TYPES.filter((type) => !byType[type])).toEqual([]);
    const id = /^sim-7-\d+$/;
    const utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
    expect(events.filter((event) => !id.test(event.event_id) || !utc.test(event.occurred_at))).toEqual([]);
  });

  it('delivers duplicates byte for byte, as many as the manifest says, near the rate asked', () => {
    const texts = new Map<string, string>();
    let duplicates = 0;
    let conflicts = 0;
    for (const line of lines) {
      if (!line.event) continue;
      const previous = texts.get(line.event.event_id);
      if (previous === undefined) {
        texts.set(line.event.event_id, line.text);
      } else if (line.text === previous) {
        duplicates++;
      } else {
        conflicts++;
      }
    }
    expect(conflicts).toBe(0);
    expect(duplicates).toBe(manifest.faults.duplicates);
    const rate = duplicates / manifest.events.total;
    expect(rate).toBeGreaterThan(FAULTS.duplicateRate * 0.7);
    expect(rate).toBeLessThan(FAULTS.duplicateRate * 1.3);
  });

  it('delivers late events more than a day after the events around them, as many as the manifest says', () => {
    let newest = 0;
    let late = 0;
    let backwards = 0;
    const seen = new Set<string>();
    for (const line of lines) {
      if (!line.event || seen.has(line.event.event_id)) continue;
      seen.add(line.event.event_id);
      const at = Date.parse(line.event.occurred_at);
      if (newest - at > 86_400_000) late++;
      else if (at < newest) backwards++;
      newest = Math.max(newest, at);
    }
    expect(late).toBe(manifest.faults.late);
    expect(backwards).toBe(0); // everything else comes in time order
    const rate = late / manifest.events.total;
    expect(rate).toBeGreaterThan(FAULTS.lateRate * 0.7);
    expect(rate).toBeLessThan(FAULTS.lateRate * 1.3);
  });

  it('reports POS sales of SKUs missing from the item master, as many as the manifest says', () => {
    const known = new Set(ofType(events, 'item_upserted').map((event) => event.sku));
    const unknown = events.filter((event) => 'sku' in event && !known.has(event.sku as string));
    expect(unknown).toHaveLength(manifest.faults.unknownSku);
    expect(unknown.every((event) => event.type === 'pos_sale' && UNKNOWN_SKUS.includes(event.sku))).toBe(
      true,
    );
    const sales = ofType(events, 'pos_sale').length - unknown.length;
    const rate = unknown.length / sales;
    expect(rate).toBeGreaterThan(FAULTS.unknownSkuRate * 0.6);
    expect(rate).toBeLessThan(FAULTS.unknownSkuRate * 1.4);
  });

  it('references only known nodes, channels, suppliers and (faults aside) items', () => {
    const nodes = new Set(ofType(events, 'node_upserted').map((event) => event.node_id));
    const channels = new Set(ofType(events, 'channel_upserted').map((event) => event.channel_id));
    const suppliers = new Set(ofType(events, 'supplier_upserted').map((event) => event.supplier_id));
    const items = new Set(ofType(events, 'item_upserted').map((event) => event.sku));
    const strays: string[] = [];
    for (const event of events) {
      const record = event as unknown as Record<string, unknown>;
      for (const field of ['node_id', 'from_node_id', 'to_node_id', 'pickup_node_id']) {
        if (typeof record[field] === 'string' && !nodes.has(record[field] as string))
          strays.push(event.event_id);
      }
      if (typeof record.channel_id === 'string' && !channels.has(record.channel_id))
        strays.push(event.event_id);
      if (typeof record.supplier_id === 'string' && !suppliers.has(record.supplier_id))
        strays.push(event.event_id);
      if (event.type === 'order_placed' || event.type === 'po_created') {
        if (event.lines.some((line) => !items.has(line.sku))) strays.push(event.event_id);
      }
    }
    expect(strays).toEqual([]);
  });

  it('never ships, picks or allocates an order line it was not placed with', () => {
    const placed = new Map<string, number>();
    for (const order of ofType(events, 'order_placed')) {
      for (const line of order.lines) placed.set(`${order.order_id}/${line.line_id}/${line.sku}`, line.qty);
    }
    for (const type of ['allocated', 'picked', 'shipped'] as const) {
      const strays = ofType(events, type).filter(
        (event) => placed.get(`${event.order_id}/${event.line_id}/${event.sku}`) !== event.qty,
      );
      expect(strays, type).toEqual([]);
    }
    // each line ships at most once
    const shipped = ofType(events, 'shipped').map((event) => `${event.order_id}/${event.line_id}`);
    expect(new Set(shipped).size).toBe(shipped.length);
  });
});

describe('simulate: CSV and Parquet layout', () => {
  it('writes one <type>.csv per event type with the contract fields as columns, orders one row per line', async () => {
    const result = await run({ days: 14, format: 'csv', malformed: 3 });
    const files = fs.readdirSync(result.outDir).filter((name) => name.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const type = file.split('.')[0] as (typeof EVENT_TYPES)[number];
      expect(EVENT_TYPES).toContain(type);
      const header = fs.readFileSync(path.join(result.outDir, file), 'utf8').split('\n', 1)[0];
      expect(header).toBe(csvColumns(type).join(','));
    }
    const orders = fs.readFileSync(path.join(result.outDir, 'order_placed.csv'), 'utf8').trim().split('\n');
    expect(orders[0]).toContain('line_id,sku,qty,unit_price');
    expect(orders.length - 1).toBeGreaterThan(result.manifest.events.byType.order_placed!);
    const channels = fs.readFileSync(path.join(result.outDir, 'channel_upserted.csv'), 'utf8');
    expect(channels).toMatch(/DC-01\|ST-\d{3}/);
    const manifestFile = result.manifest.files.find((file) => file.name === 'pos_sale.csv')!;
    expect(manifestFile.rows).toBe(result.manifest.events.byType.pos_sale! + 3);
  });

  it('refuses to write into a directory that holds something else', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const { simulate } = await import('../../../src/sim/simulate.ts');
    await expect(simulate({ ...SMALL, days: 3 }, dir)).rejects.toThrow(/not empty and holds no simulation/);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });
});
