/**
 * Amazon orders through the whole operations pipeline (ledger refresh, then the allocator), not only the
 * events the mapping writes: orders fulfilled by Amazon consume the marketplace's own node and never a unit
 * of ours; merchant-fulfilled orders are allocated at our nodes like any order; a later report that cancels
 * an order fulfilled by Amazon gives the marketplace node its units back and leaves ours alone.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { saveConnection } from '../../../src/channels/connections.ts';
import { runPipeline } from '../../../src/operations/pipeline.ts';
import type { Warehouse } from '../../../src/warehouse/warehouse.ts';
import { ingest, runMain, toJsonl, useTempDir } from '../../helpers/retailos.ts';
import { CHANNEL_FIXTURES, prepareChannels } from './support.ts';

const tmp = useTempDir();
const SKUS = ['SKU-RUN-42B', 'SKU-SOCK-M', 'SKU-TEE-L'];
const AT = '2025-03-01T00:00:00Z';

async function setUp(): Promise<string> {
  const warehouse = await tmp.open();
  await prepareChannels(warehouse, SKUS);
  await saveConnection(warehouse, {
    channel_id: 'amazon-us',
    platform: 'amazon',
    settings: {
      seller_id: 'A1TESTSELLER',
      marketplace_ids: ['ATVPDKIKX0DER'],
      inbound: { marketplace_node_id: 'FBA-US' },
    },
    secrets: { lwa_client_id: 'id', lwa_client_secret: 'secret', refresh_token: 'token' },
  });
  const file = tmp.write(
    'stock.jsonl',
    toJsonl([
      // Amazon's fulfilment centres as the docs say to declare them: a node that ships for no channel of ours
      {
        event_id: 'node-FBA-US',
        type: 'node_upserted',
        occurred_at: AT,
        node_id: 'FBA-US',
        name: 'Amazon FBA (US)',
        node_type: '3pl',
        region: 'US',
        can_ship: false,
        can_pickup: false,
      },
      ...['US-NY', 'US-CA', 'US-CO', 'US-TX'].map((region) => ({
        event_id: `lane-DC-1-${region}`,
        type: 'lane_upserted',
        occurred_at: AT,
        node_id: 'DC-1',
        region,
        transit_days: 2,
        cost_per_order: 5,
        cost_per_unit: 0.5,
      })),
      ...SKUS.flatMap((sku) =>
        ['DC-1', 'FBA-US'].map((node) => ({
          event_id: `r-${node}-${sku}`,
          type: 'receipt',
          occurred_at: AT,
          node_id: node,
          sku,
          qty: node === 'DC-1' ? 10 : 5,
          unit_cost: 10,
        })),
      ),
    ]),
  );
  const summary = await ingest(warehouse, [file]);
  expect(summary.rejected).toBe(0);
  await warehouse.close();
  return warehouse.path;
}

async function importReport(db: string, name: string): Promise<void> {
  const result = await runMain(
    [
      'ingest',
      '--json',
      '--from',
      'amazon-orders-report',
      '--channel',
      'amazon-us',
      path.join(CHANNEL_FIXTURES, name),
    ],
    { RETAILOS_DB: db },
  );
  // exit status 1 when a row was rejected (the first report's order of an unknown sku)
  expect(JSON.parse(result.stdout), result.stderr).toMatchObject({ conflicts: 0 });
}

async function pipeline<T>(read: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await tmp.open();
  try {
    await runPipeline(warehouse, { trigger: 'test' });
    return await read(warehouse);
  } finally {
    await warehouse.close();
  }
}

const CLAIMS = `
  SELECT payload->>'order_id' AS order_id, payload->>'node_id' AS node_id, payload->>'sku' AS sku,
         (payload->>'qty')::INTEGER AS qty
  FROM event_log WHERE type = 'allocated' ORDER BY order_id, sku`;
const POSITIONS = `
  SELECT node_id, sku, on_hand::INTEGER AS on_hand, reserved::INTEGER AS reserved, available::INTEGER AS available
  FROM inventory_positions ORDER BY node_id, sku`;

interface Position {
  node_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  available: number;
}

it('orders fulfilled by Amazon consume the marketplace node, never ours; merchant orders are allocated at ours', async () => {
  const db = await setUp();
  await importReport(db, 'amazon/all-orders-2025-03-14.txt');
  const first = await pipeline(async (warehouse) => ({
    claims: await warehouse.all<{ order_id: string; node_id: string; sku: string; qty: number }>(CLAIMS),
    positions: await warehouse.all<Position>(POSITIONS),
    exceptions: await warehouse.all<{ exception_type: string; node_id: string | null }>(
      `SELECT exception_type, node_id FROM exceptions
       WHERE exception_type IN ('oversell', 'negative_stock', 'unknown_reference')`,
    ),
  }));
  // the allocator placed the merchant order (111-…1) at our DC; the Amazon-fulfilled ones (…2, …3) only at
  // the marketplace node, where the mapping put them as they were placed
  expect(first.claims.map((c) => [c.order_id, c.node_id, c.sku, c.qty])).toEqual([
    ['amazon-us:111-0000001-0000001', 'DC-1', 'SKU-RUN-42B', 1],
    ['amazon-us:111-0000001-0000001', 'DC-1', 'SKU-SOCK-M', 2],
    ['amazon-us:111-0000002-0000002', 'FBA-US', 'SKU-TEE-L', 2],
    ['amazon-us:111-0000003-0000003', 'FBA-US', 'SKU-RUN-42B', 1],
  ]);
  const at = (positions: Position[], node: string, sku: string) =>
    positions.find((p) => p.node_id === node && p.sku === sku);
  // ours: only the merchant order's reservation; nothing Amazon shipped or holds
  expect(at(first.positions, 'DC-1', 'SKU-RUN-42B')).toMatchObject({
    on_hand: 10,
    reserved: 1,
    available: 9,
  });
  expect(at(first.positions, 'DC-1', 'SKU-SOCK-M')).toMatchObject({ on_hand: 10, reserved: 2, available: 8 });
  expect(at(first.positions, 'DC-1', 'SKU-TEE-L')).toMatchObject({ on_hand: 10, reserved: 0, available: 10 });
  // the marketplace's: shipped by Amazon (…2), held for the pending order (…3)
  expect(at(first.positions, 'FBA-US', 'SKU-TEE-L')).toMatchObject({ on_hand: 3, reserved: 0, available: 3 });
  expect(at(first.positions, 'FBA-US', 'SKU-RUN-42B')).toMatchObject({
    on_hand: 5,
    reserved: 1,
    available: 4,
  });
  // a declared, stocked marketplace node raises no stock exception (and ours none either)
  expect(first.exceptions).toEqual([]);

  // two days later: …1 shipped by us, …3 cancelled on Amazon, …5 a new merchant order
  await importReport(db, 'amazon/all-orders-2025-03-16.txt');
  const later = await pipeline(async (warehouse) => ({
    claims: await warehouse.all<{ order_id: string; node_id: string; sku: string; qty: number }>(CLAIMS),
    positions: await warehouse.all<Position>(POSITIONS),
  }));
  expect(later.claims.map((c) => [c.order_id, c.node_id, c.sku])).toEqual([
    ['amazon-us:111-0000001-0000001', 'DC-1', 'SKU-RUN-42B'],
    ['amazon-us:111-0000001-0000001', 'DC-1', 'SKU-SOCK-M'],
    ['amazon-us:111-0000002-0000002', 'FBA-US', 'SKU-TEE-L'],
    ['amazon-us:111-0000003-0000003', 'FBA-US', 'SKU-RUN-42B'],
    ['amazon-us:111-0000005-0000005', 'DC-1', 'SKU-TEE-L'],
  ]);
  expect(at(later.positions, 'FBA-US', 'SKU-RUN-42B')).toMatchObject({
    on_hand: 5,
    reserved: 0,
    available: 5,
  });
  expect(at(later.positions, 'DC-1', 'SKU-RUN-42B')).toMatchObject({ on_hand: 9, reserved: 0, available: 9 });
  expect(at(later.positions, 'DC-1', 'SKU-SOCK-M')).toMatchObject({ on_hand: 8, reserved: 0, available: 8 });
  expect(at(later.positions, 'DC-1', 'SKU-TEE-L')).toMatchObject({ on_hand: 10, reserved: 1, available: 9 });
});
