import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import {
  at,
  type EventBody,
  EventFactory,
  failingAssertions,
  land,
  pinClock,
  rows,
  setSetting,
} from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

async function apply(warehouse: Warehouse, events: EventBody[]): Promise<void> {
  await land(warehouse, events);
  await refreshLedger(warehouse);
  expect(await failingAssertions(warehouse)).toEqual([]);
}

async function exceptions(warehouse: Warehouse, type: string): Promise<Record<string, unknown>[]> {
  const found = await rows(
    warehouse,
    `SELECT severity, sku, node_id, po_id, transfer_id, opened_at, cleared_at, status, qty, detail
     FROM exceptions WHERE exception_type = '${type}' ORDER BY ALL`,
  );
  return found.map((row) => ({ ...row, detail: JSON.parse(row.detail as string) }));
}

/** Master data that raises no exception of its own: items with cost and price, nodes with lanes. */
function world(f: EventFactory): EventBody[] {
  return [
    f.item('A', 2, 5),
    ...['DC', 'ST'].flatMap((node) => [
      f.node(node),
      f.make('lane_upserted', at(1), {
        node_id: node,
        region: 'east',
        transit_days: 2,
        cost_per_order: 1,
        cost_per_unit: 0.1,
      }),
    ]),
  ];
}

describe('ledger: exceptions', () => {
  it('oversell: available below zero, one episode per negative stretch; a covered one stays, resolved', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    const alloc = (line_id: string, qty: number, day: number) =>
      f.make('allocated', at(day), { order_id: 'O', line_id, node_id: 'DC', sku: 'A', qty });
    await apply(w, [
      ...world(f),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 3, unit_cost: 2 }),
      alloc('1', 2, 3),
      alloc('2', 2, 4), // available -1 from day 4
      f.make('receipt', at(5), { node_id: 'DC', sku: 'A', qty: 1, unit_cost: 2 }), // back to 0
      alloc('3', 3, 6), // -3 from day 6
    ]);
    const first = {
      severity: 'high',
      sku: 'A',
      node_id: 'DC',
      po_id: null,
      transfer_id: null,
      opened_at: new Date(at(4)).toISOString(),
      cleared_at: new Date(at(5)).toISOString(),
      status: 'resolved',
      qty: -1, // the worst of the episode
      detail: {
        worst_available: -1,
        opened_by: 'allocated',
        cleared_by: 'receipt',
        claim_order_id: 'O',
        claim_line_id: '2',
      },
    };
    expect(await exceptions(w, 'oversell')).toEqual([
      first,
      {
        severity: 'high',
        sku: 'A',
        node_id: 'DC',
        po_id: null,
        transfer_id: null,
        opened_at: new Date(at(6)).toISOString(),
        cleared_at: null,
        status: 'open',
        qty: -3,
        detail: {
          available: -3,
          sellable: 4,
          reserved: 7,
          worst_available: -3,
          opened_by: 'allocated',
          claim_order_id: 'O',
          claim_line_id: '3',
        },
      },
    ]);
    await apply(w, [f.make('receipt', at(7), { node_id: 'DC', sku: 'A', qty: 5, unit_cost: 2 })]);
    expect(await exceptions(w, 'oversell')).toEqual([
      first,
      {
        severity: 'high',
        sku: 'A',
        node_id: 'DC',
        po_id: null,
        transfer_id: null,
        opened_at: new Date(at(6)).toISOString(),
        cleared_at: new Date(at(7)).toISOString(),
        status: 'resolved',
        qty: -3,
        detail: {
          worst_available: -3,
          opened_by: 'allocated',
          cleared_by: 'receipt',
          claim_order_id: 'O',
          claim_line_id: '3',
        },
      },
    ]);
  });

  it('negative_stock per bucket, and the status workflow of exception_status', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      ...world(f),
      f.make('pos_sale', at(2), { node_id: 'ST', sku: 'A', qty: 2, unit_price: 5 }),
      f.make('adjustment', at(3), { node_id: 'ST', sku: 'A', qty: -1, reason: 'damage', status: 'damaged' }),
    ]);
    const found = await exceptions(w, 'negative_stock');
    expect(
      found.map((row) => [row.severity, row.qty, (row.detail as { bucket: string }).bucket, row.opened_at]),
    ).toEqual([
      ['high', -2, 'sellable', new Date(at(2)).toISOString()],
      ['medium', -1, 'damaged', new Date(at(3)).toISOString()],
    ]);
    // oversold too: available = sellable - reserved < 0
    expect(await exceptions(w, 'oversell')).toHaveLength(1);
    const [{ exception_id }] = (await rows(
      w,
      "SELECT exception_id FROM exceptions WHERE exception_type = 'negative_stock' AND severity = 'high'",
    )) as [{ exception_id: string }];
    await w.run(
      "INSERT INTO exception_status (exception_id, status, note) VALUES ($id, 'acknowledged', 'on it')",
      {
        id: exception_id,
      },
    );
    expect(
      await rows(w, `SELECT status, note FROM exceptions WHERE exception_id = '${exception_id}'`),
    ).toEqual([{ status: 'acknowledged', note: 'on it' }]);
  });

  it('inventory_mismatch: a count variance beyond the configurable tolerance', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      ...world(f),
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 100, unit_cost: 2 }),
      f.make('cycle_count', at(3), { node_id: 'ST', sku: 'A', counted_qty: 96 }), // -4: within 5% of 100
      f.make('cycle_count', at(4), { node_id: 'ST', sku: 'A', counted_qty: 86 }), // -10: beyond 5% of 96
      f.make('cycle_count', at(5), { node_id: 'DC', sku: 'A', counted_qty: 2 }), // +2: within 2 units
    ]);
    expect(await exceptions(w, 'inventory_mismatch')).toEqual([
      {
        severity: 'medium',
        sku: 'A',
        node_id: 'ST',
        po_id: null,
        transfer_id: null,
        opened_at: new Date(at(4)).toISOString(),
        cleared_at: null,
        status: 'open',
        qty: -10,
        detail: {
          bucket: 'sellable',
          counted_qty: 86,
          ledger_qty: 96,
          variance: -10,
          value: -20,
          tolerance: 4.8,
        },
      },
    ]);
    await setSetting(w, 'count_tolerance_pct', '0');
    await setSetting(w, 'count_tolerance_units', '1');
    expect(
      (await exceptions(w, 'inventory_mismatch')).map((row) => [row.node_id, row.qty, row.severity]),
    ).toEqual([
      ['ST', -4, 'high'],
      ['ST', -10, 'high'],
      ['DC', 2, 'medium'],
    ]);
  });

  it('transfer_overdue, transfer_short_received and po_overdue against the business clock', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      ...world(f),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 20, unit_cost: 2 }),
      f.make('transfer_shipped', at(3), {
        transfer_id: 'T1',
        from_node_id: 'DC',
        to_node_id: 'ST',
        sku: 'A',
        qty: 5,
        expected_at: '2024-01-05',
      }),
      // 3 of 5 arrive on the due date: received short (an in-transit loss), not overdue
      f.make('transfer_received', at(5), { transfer_id: 'T1', to_node_id: 'ST', sku: 'A', qty: 3 }),
      // no expected_at: due after transfer_default_days (7), on the 11th: overdue from the 12th
      f.make('transfer_shipped', at(4), {
        transfer_id: 'T2',
        from_node_id: 'DC',
        to_node_id: 'ST',
        sku: 'A',
        qty: 1,
      }),
      f.make('po_created', at(2), {
        po_id: 'P1',
        supplier_id: 'S',
        node_id: 'DC',
        expected_at: '2024-01-08',
        lines: [{ line_id: '1', sku: 'A', qty: 10, unit_cost: 2 }],
      }),
      f.make('receipt', at(6), { node_id: 'DC', sku: 'A', qty: 4, unit_cost: 2, po_id: 'P1' }),
    ]);
    await pinClock(w, '2024-01-09T00:00:00Z');
    const late = () =>
      rows(
        w,
        `SELECT exception_type, transfer_id, po_id, qty, opened_at, status FROM exceptions
         WHERE exception_type IN ('po_overdue', 'transfer_overdue', 'transfer_short_received', 'delayed_receipt')
         ORDER BY ALL`,
      );
    expect(await late()).toEqual([
      {
        exception_type: 'po_overdue',
        transfer_id: null,
        po_id: 'P1',
        qty: 6,
        opened_at: '2024-01-08T00:00:00.000Z',
        status: 'open',
      },
      {
        exception_type: 'transfer_short_received',
        transfer_id: 'T1',
        po_id: null,
        qty: 2,
        opened_at: '2024-01-06T00:00:00.000Z', // short once its due date has passed
        status: 'open',
      },
    ]);
    const [short] = await rows(
      w,
      "SELECT detail::JSON->>'missing_qty' AS missing, value FROM exceptions WHERE transfer_id = 'T1'",
    );
    expect(short).toEqual({ missing: '2', value: 4 });
    await pinClock(w, '2024-01-12T00:00:00Z');
    expect((await late()).map((row) => [row.exception_type, row.transfer_id ?? row.po_id])).toEqual([
      ['po_overdue', 'P1'],
      ['transfer_overdue', 'T2'],
      ['transfer_short_received', 'T1'],
    ]);
    // an ETA change that came (in event time) before the PO was overdue: it never was; it is delayed instead
    await apply(w, [f.make('po_updated', at(8), { po_id: 'P1', expected_at: '2024-01-20' })]);
    expect(
      (await late()).map((row) => [row.exception_type, row.transfer_id ?? row.po_id, row.status]),
    ).toEqual([
      ['delayed_receipt', 'P1', 'open'],
      ['transfer_overdue', 'T2', 'open'],
      ['transfer_short_received', 'T1', 'open'],
    ]);
    // the rest of T1 turns up: the loss is cleared, and stays listed as resolved
    await apply(w, [
      f.make('transfer_received', at(10), { transfer_id: 'T1', to_node_id: 'ST', sku: 'A', qty: 2 }),
    ]);
    expect(
      await rows(
        w,
        "SELECT opened_at, cleared_at, status, qty FROM exceptions WHERE exception_type = 'transfer_short_received'",
      ),
    ).toEqual([
      {
        opened_at: '2024-01-06T00:00:00.000Z',
        cleared_at: '2024-01-10T00:00:00.000Z',
        status: 'resolved',
        qty: 2,
      },
    ]);
  });

  it('unknown_reference keeps the event; master_data flags items without cost or price and nodes without lanes', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      ...world(f),
      f.item('FREE', 0, 5),
      f.node('ST9', {}),
      f.make('receipt', at(3), { node_id: 'NOWHERE', sku: 'GHOST', qty: 2, unit_cost: 1 }),
      f.make('allocated', at(4), { order_id: 'O', line_id: '1', node_id: 'DC', sku: 'PHANTOM', qty: 1 }),
    ]);
    expect(
      await rows(
        w,
        "SELECT sku, node_id, opened_at FROM exceptions WHERE exception_type = 'unknown_reference' ORDER BY ALL",
      ),
    ).toEqual([
      { sku: 'GHOST', node_id: null, opened_at: '2024-01-03T00:00:00.000Z' },
      { sku: 'PHANTOM', node_id: null, opened_at: '2024-01-04T00:00:00.000Z' },
      { sku: null, node_id: 'NOWHERE', opened_at: '2024-01-03T00:00:00.000Z' },
    ]);
    // the events are in the ledger all the same
    expect(await rows(w, "SELECT sellable FROM inventory_positions WHERE sku = 'GHOST'")).toEqual([
      { sellable: 2 },
    ]);
    expect(
      await rows(
        w,
        "SELECT sku, node_id, detail::JSON->>'reason' AS reason FROM exceptions WHERE exception_type = 'master_data' ORDER BY ALL",
      ),
    ).toEqual([
      { sku: 'FREE', node_id: null, reason: 'item without cost' },
      { sku: null, node_id: 'ST9', reason: 'can_ship node without lanes' },
    ]);
  });
});
