/**
 * `retailos allocate` on the demo retailer plus a few new orders, run in-process through the command (its
 * registration in main.ts is wired separately): summary, JSON, --explain, --dry-run, user errors.
 */
import { describe, expect, it } from 'vitest';
import { allocateCommand } from '../../src/cli/commands/allocate.ts';
import { UserError } from '../../src/warehouse/errors.ts';
import { invokeCli } from '../helpers/cli.ts';
import { ingest, toJsonl, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

async function allocateCli(argv: string[]): Promise<{ status: number; stdout: string }> {
  const result = await invokeCli(allocateCommand, argv);
  return { status: result.status, stdout: result.stdout + result.stderr };
}

const order = (order_id: string, minute: number, fields: Record<string, unknown>) => ({
  event_id: `new-${order_id}`,
  type: 'order_placed',
  occurred_at: `2025-01-31T09:${String(minute).padStart(2, '0')}:00Z`,
  order_id,
  channel_id: 'WEB',
  ship_to_region: 'east',
  service_level: 'standard',
  lines: [{ line_id: '1', sku: 'SKU-APP-001', qty: 2, unit_price: 30 }],
  ...fields,
});

describe('retailos allocate', () => {
  it('allocates, explains, and changes nothing on a dry run', async () => {
    const db = tmp.join('demo.duckdb');
    const warehouse = await tmp.open('demo.duckdb');
    await ingest(warehouse, ['data/demo']);
    await warehouse.close();
    const extra = tmp.write(
      'new-orders.jsonl',
      toJsonl([
        order('NEW-1', 0, { promised_by: '2025-02-03' }),
        order('NEW-2', 5, {
          ship_to_region: 'west',
          service_level: 'express',
          promised_by: '2025-01-31',
          lines: [
            { line_id: '1', sku: 'SKU-ELE-002', qty: 1, unit_price: 90 },
            { line_id: '2', sku: 'SKU-APP-001', qty: 1, unit_price: 30 },
          ],
        }),
        order('NEW-3', 10, { service_level: 'pickup', pickup_node_id: 'ST-003', channel_id: 'STORES' }),
      ]),
    );
    const landing = await tmp.open('demo.duckdb');
    await ingest(landing, [extra]);
    await landing.close();

    const dry = await allocateCli(['--dry-run', '--db', db]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/open\s+4 lines in 3 orders/);
    expect(dry.stdout).toMatch(/none landed \(dry run\)/);

    const run = await allocateCli(['--format', 'json', '--db', db]);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.dry_run).toBe(false);
    expect(report.stats.unitsAllocated).toBe(6); // 2 + (1 + 1) + 2
    expect(report.landing.accepted).toBe(report.events.length);
    // The pickup order is served at its store, nowhere else.
    expect(report.allocations.filter((a: { orderId: string }) => a.orderId === 'NEW-3')).toEqual([
      expect.objectContaining({ nodeId: 'ST-003', qty: 2, shipmentFee: 0 }),
    ]);
    // Nothing more to do on a second run.
    const again = await allocateCli(['--format', 'json', '--db', db]);
    expect(JSON.parse(again.stdout).events).toEqual([]);

    const explained = await allocateCli(['--explain', 'NEW-2', '--db', db]);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toMatch(/order NEW-2/);
    expect(explained.stdout).toMatch(/line 1 {2}sku SKU-ELE-002/);
    expect(explained.stdout).toMatch(/because /);
    expect(explained.stdout).toMatch(/node_id\s+unit_cost\s+shipment_fee/);
    const json = JSON.parse(
      (await allocateCli(['--explain', 'NEW-2', '--format', 'json', '--db', db])).stdout,
    );
    expect(json.lines.map((line: { lineId: string }) => line.lineId)).toEqual(['1', '2']);

    await expect(allocateCli(['--explain', 'NOPE', '--db', db])).rejects.toThrow(UserError);
    await expect(allocateCli(['--strategy', 'magic', '--db', db])).rejects.toThrow(/Unknown --strategy/);
    await expect(allocateCli(['--as-of', 'yesterday', '--db', db])).rejects.toThrow(/--as-of/);
  });
});
