import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isReject, stageItem } from '../../src/ingest/stage.ts';
import { runAssertions } from '../../src/warehouse/assertions.ts';
import { EventLander, type StagedEvent, toColumns } from '../../src/warehouse/landing.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';

/** Lands the given events, in the given (arrival) order, one batch per call. */
async function land(warehouse: Warehouse, ...events: Record<string, unknown>[]): Promise<void> {
  const staged = events.map((event) => stageItem({ raw: JSON.stringify(event) }));
  const bad = staged.filter(isReject);
  if (bad.length > 0) throw new Error(`fixture event invalid: ${JSON.stringify(bad[0])}`);
  await new EventLander(warehouse).land(
    { kind: 'file', name: 'given' },
    [toColumns(staged as StagedEvent[])],
    [],
  );
}

const node = (event_id: string, occurred_at: string, fields: Record<string, unknown>) => ({
  event_id,
  type: 'node_upserted',
  occurred_at,
  node_id: 'ST-1',
  name: 'Store one',
  node_type: 'store',
  region: 'east',
  can_ship: true,
  can_pickup: true,
  ...fields,
});

describe('staging models (given events → expected rows)', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-stg-'));
    warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
  });
  afterEach(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stg_nodes keeps the latest upsert by business time, not arrival, with contract defaults', async () => {
    // The newer upsert arrives first, the older one late.
    await land(
      warehouse,
      node('n-new', '2024-03-01T00:00:00Z', { name: 'Renamed', ship_capacity_per_day: 80 }),
    );
    await land(
      warehouse,
      node('n-old', '2024-01-01T00:00:00Z', { pick_cost: 1.25, carrier_cutoff: '18:30' }),
    );
    expect(
      await warehouse.all(
        'SELECT node_id, name, ship_capacity_per_day, pick_cost, carrier_cutoff, source_event_id FROM stg_nodes',
      ),
    ).toEqual([
      {
        node_id: 'ST-1',
        name: 'Renamed',
        ship_capacity_per_day: 80n,
        pick_cost: 0,
        carrier_cutoff: '16:00',
        source_event_id: 'n-new',
      },
    ]);
  });

  it('equal business times fall back to arrival order', async () => {
    await land(warehouse, node('n-1', '2024-01-01T00:00:00Z', { name: 'First' }));
    await land(warehouse, node('n-2', '2024-01-01T00:00:00Z', { name: 'Second' }));
    expect(await warehouse.all('SELECT name FROM stg_nodes')).toEqual([{ name: 'Second' }]);
  });

  it('offsets are instants: +02:00 at 10:00 is before Z at 09:00', async () => {
    await land(warehouse, node('late-offset', '2024-01-01T09:00:00Z', { name: 'UTC nine' }));
    await land(warehouse, node('early-offset', '2024-01-01T10:00:00+02:00', { name: 'Eight UTC' }));
    expect(await warehouse.all('SELECT name FROM stg_nodes')).toEqual([{ name: 'UTC nine' }]);
    expect(await warehouse.all('SELECT event_id FROM events ORDER BY occurred_at, seq')).toEqual([
      { event_id: 'early-offset' },
      { event_id: 'late-offset' },
    ]);
  });

  it('stg_items, stg_channels, stg_suppliers and stg_lanes type their fields and apply defaults', async () => {
    await land(
      warehouse,
      {
        event_id: 'i1',
        type: 'item_upserted',
        occurred_at: '2024-01-01T00:00:00Z',
        sku: 'A',
        name: 'Tee',
        category: 'apparel',
        unit_cost: 4.5,
        list_price: 12,
      },
      {
        event_id: 'c1',
        type: 'channel_upserted',
        occurred_at: '2024-01-01T00:00:00Z',
        channel_id: 'WEB',
        name: 'Web',
        channel_type: 'web',
        node_ids: ['DC', 'ST-1'],
        buffer_pct: 10,
      },
      {
        event_id: 's1',
        type: 'supplier_upserted',
        occurred_at: '2024-01-01T00:00:00Z',
        supplier_id: 'S',
        name: 'Supplier',
        lead_time_days: 9,
      },
      {
        event_id: 'l1',
        type: 'lane_upserted',
        occurred_at: '2024-01-01T00:00:00Z',
        node_id: 'DC',
        region: 'east',
        transit_days: 2,
        cost_per_order: 5,
        cost_per_unit: 0.25,
      },
    );
    expect(
      await warehouse.all('SELECT sku, category, unit_cost, list_price, pack_size, moq FROM stg_items'),
    ).toEqual([{ sku: 'A', category: 'apparel', unit_cost: 4.5, list_price: 12, pack_size: 1, moq: null }]);
    expect(
      await warehouse.all('SELECT channel_id, node_ids, buffer_units, buffer_pct FROM stg_channels'),
    ).toEqual([{ channel_id: 'WEB', node_ids: ['DC', 'ST-1'], buffer_units: 0n, buffer_pct: 10 }]);
    expect(await warehouse.all('SELECT supplier_id, lead_time_days FROM stg_suppliers')).toEqual([
      { supplier_id: 'S', lead_time_days: 9 },
    ]);
    expect(
      await warehouse.all(
        'SELECT node_id, region, transit_days, cost_per_order, cost_per_unit FROM stg_lanes',
      ),
    ).toEqual([{ node_id: 'DC', region: 'east', transit_days: 2, cost_per_order: 5, cost_per_unit: 0.25 }]);
  });

  it('events keeps sub-millisecond business time and the canonical payload', async () => {
    await land(warehouse, {
      occurred_at: '2024-01-01T00:00:00.123456Z',
      qty: 3,
      unit_cost: 1,
      sku: 'A',
      node_id: 'DC',
      type: 'receipt',
      event_id: 'r1',
    });
    const row = await warehouse.one<{ micros: bigint; payload: string }>(
      'SELECT epoch_us(occurred_at) AS micros, payload FROM events',
    );
    expect(row!.micros).toBe(1704067200123456n);
    // keys in contract order, whatever order they were sent in
    expect(Object.keys(JSON.parse(row!.payload))).toEqual([
      'event_id',
      'type',
      'occurred_at',
      'node_id',
      'sku',
      'qty',
      'unit_cost',
    ]);
  });
});

describe('sql/tests assertions', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-assert-'));
    warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
  });
  afterEach(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hold on landed data and catch a broken log', async () => {
    await land(warehouse, node('n1', '2024-01-01T00:00:00Z', {}), node('n2', '2024-01-02T00:00:00Z', {}));
    const healthy = await runAssertions(warehouse);
    expect(healthy.length).toBeGreaterThanOrEqual(4);
    expect(healthy.filter((result) => result.violations.length > 0)).toEqual([]);

    // Break the invariants behind the lander's back: a copied row and a lying envelope.
    await warehouse.run(
      "INSERT INTO event_log BY NAME SELECT * REPLACE (seq + 100 AS seq) FROM event_log WHERE event_id = 'n1'",
    );
    await warehouse.run("UPDATE event_log SET type = 'receipt' WHERE event_id = 'n2'");
    await warehouse.run(
      `INSERT INTO rejected_events (received_at, reason, errors, raw)
       VALUES (now(), 'invalid', '[{"code":"x"}]', '{}')`,
    );
    const broken = await runAssertions(warehouse);
    const failing = broken.filter((result) => result.violations.length > 0).map((result) => result.name);
    expect(failing).toContain('events_event_id_unique');
    expect(failing).toContain('events_envelope_matches_payload');
    expect(failing).toContain('rejects_have_errors');
    expect(failing).not.toContain('events_seq_unique');
  });
});
