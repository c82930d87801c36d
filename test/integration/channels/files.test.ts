/**
 * `retailos ingest --from FORMAT --channel ID FILE…` on real files in the channels' formats, through the CLI
 * in-process (real warehouse files; the warehouse is opened between runs to look at what landed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveConnection } from '../../../src/channels/connections.ts';
import type { Warehouse } from '../../../src/warehouse/warehouse.ts';
import { rejects, runMain, useTempDir } from '../../helpers/retailos.ts';
import { CHANNEL_FIXTURES, prepareChannels } from './support.ts';

const tmp = useTempDir();

async function setUp(): Promise<string> {
  const warehouse = await tmp.open();
  await prepareChannels(warehouse);
  await saveConnection(warehouse, {
    channel_id: 'amazon-us',
    platform: 'amazon',
    settings: {
      seller_id: 'A1TESTSELLER',
      marketplace_ids: ['ATVPDKIKX0DER'],
      inbound: { marketplace_node_id: 'FBA-US', fulfilment_node_id: 'DC-1' },
    },
    secrets: { lwa_client_id: 'id', lwa_client_secret: 'secret', refresh_token: 'token' },
  });
  await warehouse.close();
  return warehouse.path;
}

async function ingestFrom(db: string, ...args: string[]) {
  return runMain(['ingest', '--json', ...args], { RETAILOS_DB: db });
}

async function withWarehouse<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await tmp.open();
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

async function events(warehouse: Warehouse, orderId: string) {
  const rows = await warehouse.all<{ event_id: string; type: string; payload: string }>(
    `SELECT event_id, type, payload FROM event_log WHERE (payload->>'order_id') = $id ORDER BY seq`,
    { id: orderId },
  );
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) }));
}

const fixture = (name: string) => path.join(CHANNEL_FIXTURES, name);

describe('--from shopify-orders-csv', () => {
  it('lands the export: lines, discounts, regions, cancellations, fulfilments and refunded totals', async () => {
    const db = await setUp();
    const run = await ingestFrom(
      db,
      '--from',
      'shopify-orders-csv',
      '--channel',
      'web',
      fixture('shopify/orders_export.csv'),
    );
    expect(run.status, run.stderr).toBe(1); // #1104 has an unknown sku
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ accepted: 6, rejected: 1, duplicates: 0 });
    await withWarehouse(async (warehouse) => {
      const first = await events(warehouse, 'web:5731893118101');
      expect(first.map((e) => e.type)).toEqual(['order_placed']);
      expect(first[0]!.payload).toMatchObject({
        occurred_at: '2025-03-10T08:15:29-04:00',
        ship_to_region: 'US-TX',
        service_level: 'standard',
        external_ref: '#1101',
        lines: [
          { line_id: 'L1', sku: 'SKU-RUN-42B', qty: 2, unit_price: 59.5 },
          { line_id: 'L2', sku: 'SKU-SOCK-M', qty: 1, unit_price: 30 },
        ],
      });
      const second = await events(warehouse, 'web:5731893118102');
      expect(second.map((e) => [e.type, e.payload.node_id ?? null, e.payload.amount ?? null])).toEqual([
        ['order_placed', null, null],
        ['shipped', 'DC-1', null], // the export names no location: the channel's fulfilment node
        ['refund_issued', null, 25],
      ]);
      expect(second[0]!.payload.service_level).toBe('express');
      expect(second[0]!.payload.lines).toEqual([
        { line_id: 'L1', sku: 'SKU-TEE-L', qty: 3, unit_price: 26.67 },
      ]);
      const third = await events(warehouse, 'web:5731893118103');
      expect(third.map((e) => e.type)).toEqual(['order_placed', 'order_cancelled']);
      expect(third[0]!.payload.ship_to_region).toBe('UK'); // the channel's region map: GB → UK
      const [reject] = await rejects(warehouse);
      expect(reject).toMatchObject({
        event_id: 'shopify:web:5731893118104:placed',
        reason: 'invalid',
        source_line: 7,
      });
      expect(reject!.errors[0]!.message).toContain('#1104');
      expect(reject!.errors[0]!.message).toContain('SKU-MYSTERY');
    });
    // the same export again: nothing new, nothing conflicting
    const again = JSON.parse(
      (
        await ingestFrom(
          db,
          '--from',
          'shopify-orders-csv',
          '--channel',
          'web',
          fixture('shopify/orders_export.csv'),
        )
      ).stdout,
    );
    expect(again).toMatchObject({ accepted: 0, duplicates: 6, conflicts: 0 });
    // later, more was refunded on #1102: only the difference lands
    const later = fs.readFileSync(fixture('shopify/orders_export.csv'), 'utf8').replace(',25.00,', ',40.00,');
    const laterFile = tmp.write('orders_export_later.csv', later);
    const third = JSON.parse(
      (await ingestFrom(db, '--from', 'shopify-orders-csv', '--channel', 'web', laterFile)).stdout,
    );
    expect(third).toMatchObject({ accepted: 1, conflicts: 0 });
    await withWarehouse(async (warehouse) => {
      const refunds = (await events(warehouse, 'web:5731893118102')).filter(
        (e) => e.type === 'refund_issued',
      );
      expect(refunds.map((e) => e.payload.amount)).toEqual([25, 15]);
    });
  });

  it('says once, at the file, which columns an export lacks', async () => {
    const db = await setUp();
    const file = tmp.write(
      'not-an-export.csv',
      'Order,Date,Qty,SKU\n#1,2025-03-01,1,SKU-TEE-L\n#2,2025-03-01,1,SKU-TEE-L\n',
    );
    const run = await ingestFrom(db, '--from', 'shopify-orders-csv', '--channel', 'web', file);
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 0, rejected: 1 });
    await withWarehouse(async (warehouse) => {
      const all = await rejects(warehouse);
      expect(all).toHaveLength(1);
      expect(all[0]!.errors[0]!.code).toBe('header_mismatch');
      expect(all[0]!.errors[0]!.message).toContain(
        'missing columns "Name", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem sku"',
      );
    });
  });

  it('refuses an unknown channel and a missing --channel with a clear message', async () => {
    const db = await setUp();
    const unknown = await ingestFrom(
      db,
      '--from',
      'shopify-orders-csv',
      '--channel',
      'nope',
      fixture('shopify/orders_export.csv'),
    );
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('Unknown channel "nope"');
    const missing = await ingestFrom(
      db,
      '--from',
      'amazon-orders-report',
      fixture('amazon/all-orders-2025-03-14.txt'),
    );
    expect(missing.stderr).toContain('needs --channel');
  });
});

describe('--from amazon-orders-report', () => {
  it('a report re-imported later with new statuses updates them without duplicating anything', async () => {
    const db = await setUp();
    const first = await ingestFrom(
      db,
      '--from',
      'amazon-orders-report',
      '--channel',
      'amazon-us',
      fixture('amazon/all-orders-2025-03-14.txt'),
    );
    expect(JSON.parse(first.stdout)).toMatchObject({ accepted: 6, rejected: 1, conflicts: 0 });
    const second = await ingestFrom(
      db,
      '--from',
      'amazon-orders-report',
      '--channel',
      'amazon-us',
      fixture('amazon/all-orders-2025-03-16.txt'),
    );
    // new: two merchant shipments, a cancellation, a new order; the rest is what landed already
    expect(JSON.parse(second.stdout)).toMatchObject({ accepted: 4, rejected: 0, conflicts: 0 });
    const again = await ingestFrom(
      db,
      '--from',
      'amazon-orders-report',
      '--channel',
      'amazon-us',
      fixture('amazon/all-orders-2025-03-16.txt'),
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, rejected: 0, conflicts: 0 });
    await withWarehouse(async (warehouse) => {
      const placements = await warehouse.all<{ order_id: string; n: bigint }>(
        `SELECT payload->>'order_id' AS order_id, count(*) AS n FROM event_log WHERE type = 'order_placed' GROUP BY ALL ORDER BY 1`,
      );
      expect(placements.map((row) => [row.order_id, Number(row.n)])).toEqual([
        ['amazon-us:111-0000001-0000001', 1],
        ['amazon-us:111-0000002-0000002', 1],
        ['amazon-us:111-0000003-0000003', 1],
        ['amazon-us:111-0000005-0000005', 1],
      ]);
      const merchant = await events(warehouse, 'amazon-us:111-0000001-0000001');
      expect(merchant.map((e) => [e.type, e.payload.line_id ?? null, e.payload.node_id ?? null])).toEqual([
        ['order_placed', null, null],
        ['shipped', 'SKU-RUN-42B', 'DC-1'],
        ['shipped', 'SKU-SOCK-M', 'DC-1'],
      ]);
      expect(merchant[0]!.payload.lines).toEqual([
        { line_id: 'SKU-RUN-42B', sku: 'SKU-RUN-42B', qty: 1, unit_price: 59.5 },
        { line_id: 'SKU-SOCK-M', sku: 'SKU-SOCK-M', qty: 2, unit_price: 25 },
      ]);
      expect(merchant[0]!.payload).toMatchObject({
        ship_to_region: 'US-NY',
        external_ref: '111-0000001-0000001',
      });
      // fulfilled by Amazon: allocated at and shipped from the marketplace's node, never ours
      const byAmazon = await events(warehouse, 'amazon-us:111-0000002-0000002');
      expect(byAmazon.map((e) => [e.type, e.payload.node_id ?? null])).toEqual([
        ['order_placed', null],
        ['allocated', 'FBA-US'],
        ['shipped', 'FBA-US'],
      ]);
      expect(byAmazon[0]!.payload.service_level).toBe('express');
      const cancelled = await events(warehouse, 'amazon-us:111-0000003-0000003');
      expect(cancelled.map((e) => e.type)).toEqual(['order_placed', 'allocated', 'order_cancelled']);
      const [reject] = await rejects(warehouse);
      expect(reject!.errors[0]!.message).toContain('Amazon order 111-0000004-0000004');
      expect(reject!.errors[0]!.message).toContain('SKU-NOT-OURS');
    });
    // findable by the channel's own id
    const audit = await runMain(['audit', 'external', '111-0000002-0000002', '--format', 'json'], {
      RETAILOS_DB: db,
    });
    expect(audit.status, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout).map((row: { type: string }) => row.type)).toEqual([
      'order_placed',
      'allocated',
      'shipped',
    ]);
  });
});

describe('--from mapped-csv', () => {
  it("lands a 3PL's report with its own headers: values mapped, dates read in their zone, cases converted to units", async () => {
    const db = await setUp();
    const run = await ingestFrom(
      db,
      '--from',
      'mapped-csv',
      '--map',
      fixture('mapped/3pl-stock.map.json'),
      fixture('mapped/3pl-stock.csv'),
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 3, rejected: 1 });
    await withWarehouse(async (warehouse) => {
      const rows = await warehouse.all<{ payload: string }>(
        `SELECT payload FROM event_log WHERE type = 'cycle_count' ORDER BY seq`,
      );
      expect(rows.map((row) => JSON.parse(row.payload))).toEqual([
        {
          event_id: '3pl-LIS-SKU-RUN-42B-31/03/2025 05:30',
          type: 'cycle_count',
          occurred_at: '2025-03-31T05:30:00+01:00',
          source: '3pl',
          node_id: '3PL-LIS',
          sku: 'SKU-RUN-42B',
          counted_qty: 48,
        },
        expect.objectContaining({ node_id: '3PL-LIS', sku: 'SKU-SOCK-M', counted_qty: 30 }),
        expect.objectContaining({
          node_id: '3PL-OPO',
          sku: 'SKU-TEE-L',
          counted_qty: 0,
          occurred_at: '2025-03-31T05:45:00+01:00',
        }),
      ]);
      const [reject] = await rejects(warehouse);
      expect(reject).toMatchObject({ source_line: 7, reason: 'unreadable' });
      expect(reject!.errors[0]!.message).toContain('Cases On Hand "x" is not a number');
    });
  });

  it('a file whose header does not match is one reject naming the missing and unknown columns', async () => {
    const db = await setUp();
    const renamed = fs
      .readFileSync(fixture('mapped/3pl-stock.csv'), 'utf8')
      .replace('Cases On Hand', 'Units On Hand')
      .replace('Description', 'Descr');
    const file = tmp.write('3pl-renamed.csv', renamed);
    const run = await ingestFrom(
      db,
      '--from',
      'mapped-csv',
      '--map',
      fixture('mapped/3pl-stock.map.json'),
      file,
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 0, rejected: 1 });
    await withWarehouse(async (warehouse) => {
      const all = await rejects(warehouse);
      expect(all).toHaveLength(1);
      expect(all[0]!.source_line).toBe(3);
      expect(all[0]!.errors[0]!.message).toContain('missing columns "Cases On Hand"');
      expect(all[0]!.errors[0]!.message).toContain('unknown columns "Descr", "Units On Hand"');
    });
  });

  it('refuses a mapping that misses required fields or names unknown ones, before reading anything', async () => {
    const db = await setUp();
    const map = tmp.write(
      'bad.map.json',
      JSON.stringify({
        type: 'cycle_count',
        fields: { sku: { column: 'Item' }, quantity: { column: 'Qty' } },
      }),
    );
    const run = await ingestFrom(db, '--from', 'mapped-csv', '--map', map, fixture('mapped/3pl-stock.csv'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('"quantity" is not a field of cycle_count');
    expect(run.stderr).toContain('cycle_count needs event_id, occurred_at, node_id, counted_qty');
  });
});
