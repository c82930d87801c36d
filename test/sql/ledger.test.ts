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
  pos,
  position,
  rows,
} from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

/** Lands `events` (one batch, in this order), refreshes incrementally, and checks every sql/tests assertion. */
async function apply(warehouse: Warehouse, events: EventBody[]): Promise<void> {
  await land(warehouse, events);
  await refreshLedger(warehouse);
  expect(await failingAssertions(warehouse)).toEqual([]);
}

function movements(warehouse: Warehouse, where: string): Promise<Record<string, unknown>[]> {
  return rows(
    warehouse,
    `SELECT event_type, side, account, node_id, qty, value FROM ledger_movements WHERE ${where}
     ORDER BY occurred_at, seq, posting_no, CASE side WHEN 'stock' THEN 0 WHEN 'counter' THEN 1 ELSE 2 END`,
  );
}

describe('ledger: stock movements and valuation (given events → expected rows)', () => {
  it('receipts at cost, issues at the moving average', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.item('A', 4, 10),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 5 }),
      f.make('receipt', at(3), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 8 }),
      f.make('pos_sale', at(4), { node_id: 'DC', sku: 'A', qty: 4, unit_price: 9.5 }),
      f.make('receipt', at(5), { node_id: 'DC', sku: 'A', qty: 4, unit_cost: 3, status: 'quarantine' }),
    ]);
    // avg: 5 → (50 + 80) / 20 = 6.5; sale of 4 at 6.5 = 26; then (104 + 12) / 20 = 5.8
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 16, quarantine: 4, inventory_value: 116, avg_unit_cost: 5.8 }),
    );
    expect(await movements(w, "event_type = 'pos_sale'")).toEqual([
      { event_type: 'pos_sale', side: 'stock', account: 'sellable', node_id: 'DC', qty: -4, value: -26 },
      { event_type: 'pos_sale', side: 'counter', account: 'customer', node_id: 'DC', qty: 4, value: 26 },
    ]);
  });

  it('rounds every posting to the cent and books the rounding as cost variance; the last unit takes the rest', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 1, unit_cost: 1 }),
      f.make('receipt', at(3), { node_id: 'DC', sku: 'A', qty: 2, unit_cost: 1.01 }),
      ...[4, 5, 6].map((day) =>
        f.make('pos_sale', at(day), { node_id: 'DC', sku: 'A', qty: 1, unit_price: 2 }),
      ),
    ]);
    // avg = 3.02 / 3; pool values 3.02 → 2.01 → 1.01 → 0; each sale books 1 × avg = 1.01 to the customer
    expect(await movements(w, "event_type = 'pos_sale'")).toEqual([
      { event_type: 'pos_sale', side: 'stock', account: 'sellable', node_id: 'DC', qty: -1, value: -1.01 },
      { event_type: 'pos_sale', side: 'counter', account: 'customer', node_id: 'DC', qty: 1, value: 1.01 },
      { event_type: 'pos_sale', side: 'stock', account: 'sellable', node_id: 'DC', qty: -1, value: -1 },
      { event_type: 'pos_sale', side: 'counter', account: 'customer', node_id: 'DC', qty: 1, value: 1.01 },
      {
        event_type: 'pos_sale',
        side: 'variance',
        account: 'cost_variance',
        node_id: 'DC',
        qty: 0,
        value: -0.01,
      },
      { event_type: 'pos_sale', side: 'stock', account: 'sellable', node_id: 'DC', qty: -1, value: -1.01 },
      { event_type: 'pos_sale', side: 'counter', account: 'customer', node_id: 'DC', qty: 1, value: 1.01 },
    ]);
    expect(await position(w, 'A', 'DC')).toEqual(pos({ avg_unit_cost: 3.02 / 3 }));
  });

  it('an oversold pool is valued at its average; a receipt into it restarts the average and books the revaluation', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.item('A', 5, 10),
      f.make('pos_sale', at(2), { node_id: 'ST', sku: 'A', qty: 2, unit_price: 10 }),
      f.make('receipt', at(3), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 6 }),
    ]);
    // no cost yet: the item's master cost (5) values the oversold units; the receipt replaces them at 6
    expect(await movements(w, 'true')).toEqual([
      { event_type: 'pos_sale', side: 'stock', account: 'sellable', node_id: 'ST', qty: -2, value: -10 },
      { event_type: 'pos_sale', side: 'counter', account: 'customer', node_id: 'ST', qty: 2, value: 10 },
      { event_type: 'receipt', side: 'stock', account: 'sellable', node_id: 'ST', qty: 10, value: 58 },
      { event_type: 'receipt', side: 'counter', account: 'supplier', node_id: 'ST', qty: -10, value: -60 },
      { event_type: 'receipt', side: 'variance', account: 'cost_variance', node_id: 'ST', qty: 0, value: 2 },
    ]);
    expect(await position(w, 'A', 'ST')).toEqual(pos({ sellable: 8, inventory_value: 48, avg_unit_cost: 6 }));
  });

  it('a transfer carries the sender’s average; a partial receipt leaves the rest in transit at the destination', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 5 }),
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 8 }),
      f.make('transfer_shipped', at(3), {
        transfer_id: 'T1',
        from_node_id: 'DC',
        to_node_id: 'ST',
        sku: 'A',
        qty: 6,
        expected_at: '2024-01-05',
      }),
      f.make('transfer_received', at(4), { transfer_id: 'T1', to_node_id: 'ST', sku: 'A', qty: 4 }),
    ]);
    expect(await position(w, 'A', 'DC')).toEqual(pos({ sellable: 4, inventory_value: 20, avg_unit_cost: 5 }));
    // ST: (80 + 6 × 5) / 16 = 6.875; 14 on hand = 96.25, 2 in transit = 13.75
    expect(await position(w, 'A', 'ST')).toEqual(
      pos({
        sellable: 14,
        in_transit_in: 2,
        inventory_value: 96.25,
        avg_unit_cost: 6.875,
        in_transit_value: 13.75,
      }),
    );
    expect(await movements(w, "event_type LIKE 'transfer%'")).toEqual([
      {
        event_type: 'transfer_shipped',
        side: 'stock',
        account: 'sellable',
        node_id: 'DC',
        qty: -6,
        value: -30,
      },
      {
        event_type: 'transfer_shipped',
        side: 'stock',
        account: 'in_transit',
        node_id: 'ST',
        qty: 6,
        value: 30,
      },
      {
        event_type: 'transfer_received',
        side: 'stock',
        account: 'in_transit',
        node_id: 'ST',
        qty: -4,
        value: 0,
      },
      {
        event_type: 'transfer_received',
        side: 'stock',
        account: 'sellable',
        node_id: 'ST',
        qty: 4,
        value: 0,
      },
    ]);
  });

  it('adjustments post to shrink, write-off or adjustment; status changes move between buckets', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 2 }),
      f.make('adjustment', at(3), { node_id: 'ST', sku: 'A', qty: -2, reason: 'shrink' }),
      f.make('adjustment', at(4), { node_id: 'ST', sku: 'A', qty: 1, reason: 'found' }),
      f.make('status_changed', at(5), {
        node_id: 'ST',
        sku: 'A',
        qty: 3,
        from_status: 'sellable',
        to_status: 'damaged',
      }),
      f.make('adjustment', at(6), { node_id: 'ST', sku: 'A', qty: -1, reason: 'expired', status: 'damaged' }),
      f.make('adjustment', at(7), {
        node_id: 'ST',
        sku: 'A',
        qty: 2,
        reason: 'correction',
        status: 'quarantine',
      }),
    ]);
    expect(await position(w, 'A', 'ST')).toEqual(
      pos({ sellable: 6, damaged: 2, quarantine: 2, inventory_value: 20, avg_unit_cost: 2 }),
    );
    expect(
      await rows(
        w,
        `SELECT account, sum(qty) AS qty, sum(value) AS value FROM ledger_movements
         WHERE account_kind = 'external' GROUP BY account ORDER BY account`,
      ),
    ).toEqual([
      { account: 'adjustment', qty: -2, value: -4 },
      { account: 'shrink', qty: 1, value: 2 },
      { account: 'supplier', qty: -10, value: -20 },
      { account: 'write_off', qty: 1, value: 2 },
    ]);
  });

  it('a cycle count sets the bucket as of its time; a late event before it changes the variance, not the balance after', async () => {
    const f = new EventFactory();
    const receipt = f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 1 });
    const count = f.make('cycle_count', at(5), { node_id: 'ST', sku: 'A', counted_qty: 8 });
    const after = f.make('pos_sale', at(6), { node_id: 'ST', sku: 'A', qty: 3, unit_price: 2 });
    const lateBefore = f.make('pos_sale', at(3), { node_id: 'ST', sku: 'A', qty: 1, unit_price: 2 });
    const lateAfter = f.make('pos_sale', at(7), { node_id: 'ST', sku: 'A', qty: 1, unit_price: 2 });
    const countRow = (w: Warehouse) =>
      rows(
        w,
        "SELECT counted_qty, system_qty, qty, value FROM ledger_stock WHERE event_type = 'cycle_count'",
      );

    const w = await tmp.open();
    await apply(w, [receipt, count, after]);
    expect(await countRow(w)).toEqual([{ counted_qty: 8, system_qty: 10, qty: -2, value: -2 }]);
    expect((await position(w, 'A', 'ST')).sellable).toBe(5);

    await apply(w, [lateBefore]);
    expect(await countRow(w)).toEqual([{ counted_qty: 8, system_qty: 9, qty: -1, value: -1 }]);
    expect((await position(w, 'A', 'ST')).sellable).toBe(5);

    await apply(w, [lateAfter]);
    expect((await position(w, 'A', 'ST')).sellable).toBe(4);

    // the same events in business-time order, in one batch, give the same ledger
    const inOrder = await tmp.open('in-order.duckdb');
    await apply(inOrder, [receipt, lateBefore, count, after, lateAfter]);
    expect(await countRow(inOrder)).toEqual(await countRow(w));
    expect(await position(inOrder, 'A', 'ST')).toEqual(await position(w, 'A', 'ST'));
  });

  it('a count of another bucket, and a second count, each see only their own bucket', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 1 }),
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 3, unit_cost: 1, status: 'damaged' }),
      f.make('cycle_count', at(3), { node_id: 'ST', sku: 'A', counted_qty: 1, status: 'damaged' }),
      f.make('cycle_count', at(4), { node_id: 'ST', sku: 'A', counted_qty: 12 }),
      f.make('pos_sale', at(5), { node_id: 'ST', sku: 'A', qty: 2, unit_price: 2 }),
      f.make('cycle_count', at(6), { node_id: 'ST', sku: 'A', counted_qty: 10 }),
    ]);
    expect(
      await rows(
        w,
        "SELECT bucket, counted_qty, system_qty, qty FROM ledger_stock WHERE event_type = 'cycle_count' ORDER BY seq",
      ),
    ).toEqual([
      { bucket: 'damaged', counted_qty: 1, system_qty: 3, qty: -2 },
      { bucket: 'sellable', counted_qty: 12, system_qty: 10, qty: 2 },
      { bucket: 'sellable', counted_qty: 10, system_qty: 10, qty: 0 },
    ]);
    expect(await position(w, 'A', 'ST')).toEqual(
      pos({ sellable: 10, damaged: 1, inventory_value: 11, avg_unit_cost: 1 }),
    );
  });
});

describe('ledger: reservations', () => {
  it('allocations reserve; releases and shipments take at most what the line holds; cancellation releases the rest', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    const line = (order_id: string, line_id: string, qty: number) => ({
      order_id,
      line_id,
      node_id: 'DC',
      sku: 'A',
      qty,
    });
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 1 }),
      f.make('order_placed', at(3), {
        order_id: 'O1',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [
          { line_id: 'L1', sku: 'A', qty: 3, unit_price: 5 },
          { line_id: 'L2', sku: 'A', qty: 2, unit_price: 5 },
        ],
      }),
      f.make('allocated', at(3, 1), line('O1', 'L1', 3)),
      f.make('allocated', at(3, 2), line('O1', 'L2', 2)),
    ]);
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 10, reserved: 5, inventory_value: 10, avg_unit_cost: 1 }),
    );

    await apply(w, [f.make('allocation_released', at(4), line('O1', 'L2', 5))]);
    expect((await position(w, 'A', 'DC')).reserved).toBe(3);

    await apply(w, [f.make('shipped', at(5), line('O1', 'L1', 2))]);
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 8, reserved: 1, inventory_value: 8, avg_unit_cost: 1 }),
    );

    await apply(w, [f.make('order_cancelled', at(6), { order_id: 'O1' })]);
    expect((await position(w, 'A', 'DC')).reserved).toBe(0);
    expect(
      await rows(
        w,
        'SELECT event_type, line_id, qty FROM ledger_reservations ORDER BY occurred_at, posting_no',
      ),
    ).toEqual([
      { event_type: 'allocated', line_id: 'L1', qty: 3 },
      { event_type: 'allocated', line_id: 'L2', qty: 2 },
      { event_type: 'allocation_released', line_id: 'L2', qty: -2 },
      { event_type: 'shipped', line_id: 'L1', qty: -2 },
      { event_type: 'order_cancelled', line_id: 'L1', qty: -1 },
    ]);
  });

  it('cancelling one line releases only that line; a late allocation before a cancellation is released by it', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    const line = (line_id: string, qty: number, node_id = 'DC') => ({
      order_id: 'O2',
      line_id,
      node_id,
      sku: 'A',
      qty,
    });
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 1 }),
      f.make('allocated', at(3), line('L1', 2)),
      f.make('allocated', at(3), line('L2', 4)),
      f.make('order_cancelled', at(5), { order_id: 'O2', line_id: 'L1' }),
    ]);
    expect((await position(w, 'A', 'DC')).reserved).toBe(4);
    // an allocation of L1 at another node, sent late, happened before the cancellation: released too
    await apply(w, [f.make('allocated', at(4), line('L1', 1, 'ST'))]);
    expect((await position(w, 'A', 'ST')).reserved).toBe(0);
    // and one after the cancellation stands
    await apply(w, [f.make('allocated', at(6), line('L1', 1, 'ST'))]);
    expect((await position(w, 'A', 'ST')).reserved).toBe(1);
    expect((await position(w, 'A', 'DC')).reserved).toBe(4);
  });
});

describe('ledger: returns', () => {
  it('a return comes back at the cost its order line shipped at, and each disposition lands in its place', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    const ref = { order_id: 'O1', line_id: 'L1', node_id: 'DC', sku: 'A' };
    const grade = (qty: number, disposition: string) =>
      f.make('return_graded', at(9), {
        return_id: 'R1',
        node_id: 'RC',
        sku: 'A',
        qty,
        grade: 'B',
        disposition,
      });
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 5 }),
      f.make('allocated', at(3), { ...ref, qty: 5 }),
      f.make('shipped', at(4), { ...ref, qty: 5 }),
      f.make('receipt', at(5), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 11 }),
      f.make('receipt', at(5), { node_id: 'RC', sku: 'A', qty: 1, unit_cost: 20 }),
      f.make('return_received', at(8), {
        return_id: 'R1',
        order_id: 'O1',
        line_id: 'L1',
        node_id: 'RC',
        sku: 'A',
        qty: 5,
      }),
    ]);
    // RC: 1 @ 20 + 5 returned at the 5 they shipped at → 45 / 6 = 7.5
    expect(await position(w, 'A', 'RC')).toEqual(
      pos({ sellable: 1, returns_pending: 5, inventory_value: 45, avg_unit_cost: 7.5 }),
    );
    await apply(w, [
      grade(1, 'restock'),
      grade(1, 'refurbish'),
      grade(1, 'liquidate'),
      grade(1, 'return_to_vendor'),
      grade(1, 'write_off'),
    ]);
    expect(await position(w, 'A', 'RC')).toEqual(
      pos({ sellable: 3, repair: 1, inventory_value: 30, avg_unit_cost: 7.5 }),
    );
    expect(
      await rows(
        w,
        `SELECT account, sum(qty) AS qty, sum(value) AS value FROM ledger_movements
         WHERE event_type = 'return_graded' GROUP BY account ORDER BY account`,
      ),
    ).toEqual([
      { account: 'repair', qty: 1, value: 0 },
      { account: 'returns_pending', qty: -5, value: -15 },
      { account: 'sellable', qty: 2, value: 0 },
      { account: 'vendor_return', qty: 1, value: 7.5 },
      { account: 'write_off', qty: 1, value: 7.5 },
    ]);
    expect(await movements(w, "event_type = 'return_received'")).toEqual([
      {
        event_type: 'return_received',
        side: 'stock',
        account: 'returns_pending',
        node_id: 'RC',
        qty: 5,
        value: 25,
      },
      {
        event_type: 'return_received',
        side: 'counter',
        account: 'customer',
        node_id: 'RC',
        qty: -5,
        value: -25,
      },
    ]);
  });

  it('valuation through receipt → transfer → sale → return → restock', async () => {
    const f = new EventFactory();
    const ref = { order_id: 'O1', line_id: '1', node_id: 'ST', sku: 'A' };
    const events = [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 4 }),
      f.make('receipt', at(3), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 6 }),
      f.make('transfer_shipped', at(4), {
        transfer_id: 'T',
        from_node_id: 'DC',
        to_node_id: 'ST',
        sku: 'A',
        qty: 4,
      }),
      f.make('transfer_received', at(5), { transfer_id: 'T', to_node_id: 'ST', sku: 'A', qty: 4 }),
      f.make('allocated', at(6), { ...ref, qty: 2 }),
      f.make('shipped', at(6, 1), { ...ref, qty: 2 }),
      f.make('receipt', at(7), { node_id: 'ST', sku: 'A', qty: 2, unit_cost: 8 }),
      f.make('return_received', at(7, 12), {
        return_id: 'R',
        order_id: 'O1',
        line_id: '1',
        node_id: 'ST',
        sku: 'A',
        qty: 1,
      }),
      f.make('return_graded', at(8), {
        return_id: 'R',
        node_id: 'ST',
        sku: 'A',
        qty: 1,
        grade: 'A',
        disposition: 'restock',
      }),
    ];
    const w = await tmp.open();
    // delivered newest first, one event per batch: every step is a late event
    for (const event of [...events].reverse()) await apply(w, [event]);
    // DC avg 5; ST gets 4 at 5, ships 2 (COGS 10), receives 2 at 8 → 26 / 4 = 6.5, the return at 5 → 31 / 5
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 16, inventory_value: 80, avg_unit_cost: 5 }),
    );
    expect(await position(w, 'A', 'ST')).toEqual(
      pos({ sellable: 5, inventory_value: 31, avg_unit_cost: 6.2 }),
    );
    expect(await movements(w, "event_type IN ('shipped', 'return_received') AND side = 'counter'")).toEqual([
      { event_type: 'shipped', side: 'counter', account: 'customer', node_id: 'ST', qty: 2, value: 10 },
      {
        event_type: 'return_received',
        side: 'counter',
        account: 'customer',
        node_id: 'ST',
        qty: -1,
        value: -5,
      },
    ]);
  });
});

describe('ledger: purchase orders', () => {
  const po = (f: EventFactory, po_id: string, day: number, lines: [string, string, number][]) =>
    f.make('po_created', at(day), {
      po_id,
      supplier_id: 'S',
      node_id: 'DC',
      expected_at: '2024-02-01',
      lines: lines.map(([line_id, sku, qty]) => ({ line_id, sku, qty, unit_cost: 2 })),
    });

  it('receipts reduce the open quantity by at most what is open; cancellations close lines or the whole PO', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      po(f, 'PO1', 2, [
        ['1', 'A', 10],
        ['2', 'B', 5],
      ]),
      po(f, 'PO2', 2, [
        ['1', 'A', 7],
        ['2', 'B', 3],
      ]),
    ]);
    expect((await position(w, 'A', 'DC')).on_order).toBe(17);
    await apply(w, [
      f.make('receipt', at(3), { node_id: 'DC', sku: 'A', qty: 4, unit_cost: 2, po_id: 'PO1' }),
      f.make('receipt', at(4), { node_id: 'DC', sku: 'A', qty: 8, unit_cost: 2, po_id: 'PO1' }),
      f.make('po_cancelled', at(5), { po_id: 'PO1', line_id: '2' }),
      f.make('po_cancelled', at(6), { po_id: 'PO2' }),
    ]);
    // PO1 line 1 received 12 of 10: on order 0, all 12 in stock
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 12, inventory_value: 24, avg_unit_cost: 2 }),
    );
    expect(await position(w, 'B', 'DC')).toEqual(pos({}));
    expect(
      await rows(
        w,
        "SELECT po_id, event_type, sku, qty FROM ledger_po_movements WHERE sku = 'A' ORDER BY occurred_at, seq",
      ),
    ).toEqual([
      { po_id: 'PO1', event_type: 'po_created', sku: 'A', qty: 10 },
      { po_id: 'PO2', event_type: 'po_created', sku: 'A', qty: 7 },
      { po_id: 'PO1', event_type: 'receipt', sku: 'A', qty: -4 },
      { po_id: 'PO1', event_type: 'receipt', sku: 'A', qty: -6 },
      { po_id: 'PO2', event_type: 'po_cancelled', sku: 'A', qty: -7 },
    ]);
  });

  it('a receipt before its PO was created does not consume it', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 4, unit_cost: 2, po_id: 'PO3' }),
    ]);
    await apply(w, [po(f, 'PO3', 3, [['1', 'A', 10]])]);
    expect((await position(w, 'A', 'DC')).on_order).toBe(10);
  });
});

describe('ledger: channel availability', () => {
  it('sums max(available, 0) over eligible nodes, then takes buffer units and the buffer percentage (rounded down)', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    const channel = (channel_id: string, extra: EventBody) =>
      f.make('channel_upserted', at(1), { channel_id, name: channel_id, channel_type: 'web', ...extra });
    await apply(w, [
      f.item('A', 1, 2),
      f.node('DC'),
      f.node('ST', { node_type: 'store', can_ship: false }),
      f.node('ST2', { node_type: 'store' }),
      channel('WEB', { buffer_units: 2, buffer_pct: 10 }),
      channel('MKT', { node_ids: ['DC'], buffer_pct: 50 }),
      channel('TINY', { node_ids: ['DC', 'ST'], buffer_units: 100 }),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 1 }),
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 100, unit_cost: 1 }),
      f.make('allocated', at(3), { order_id: 'O', line_id: '1', node_id: 'DC', sku: 'A', qty: 3 }),
      f.make('allocated', at(3), { order_id: 'O', line_id: '2', node_id: 'ST2', sku: 'A', qty: 2 }),
    ]);
    expect((await position(w, 'A', 'ST2')).available).toBe(-2);
    // WEB: DC 7 + ST2 max(-2, 0) = 7, - 2 = 5, - floor(10% of 5) = 5; MKT: 7 - floor(3.5) = 4; TINY: 107 - 100 = 7
    expect(
      await rows(w, 'SELECT channel_id, sku, available FROM channel_availability ORDER BY channel_id'),
    ).toEqual([
      { channel_id: 'MKT', sku: 'A', available: 4 },
      { channel_id: 'TINY', sku: 'A', available: 7 },
      { channel_id: 'WEB', sku: 'A', available: 5 },
    ]);
  });
});

describe('ledger: as of a business time', () => {
  it('inventory_positions_as_of sums the movements up to that time', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 5 }),
      f.make('receipt', at(4), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 7 }),
      f.make('allocated', at(5), { order_id: 'O', line_id: '1', node_id: 'DC', sku: 'A', qty: 3 }),
      f.make('shipped', at(6), { order_id: 'O', line_id: '1', node_id: 'DC', sku: 'A', qty: 3 }),
    ]);
    const asOf = (ts: string) =>
      rows(
        w,
        `SELECT sku, node_id, sellable, reserved, inventory_value, avg_unit_cost
         FROM inventory_positions_as_of('${ts}')`,
      );
    expect(await asOf(at(1))).toEqual([]);
    expect(await asOf(at(3))).toEqual([
      { sku: 'A', node_id: 'DC', sellable: 10, reserved: 0, inventory_value: 50, avg_unit_cost: 5 },
    ]);
    expect(await asOf(at(5))).toEqual([
      { sku: 'A', node_id: 'DC', sellable: 20, reserved: 3, inventory_value: 120, avg_unit_cost: 6 },
    ]);
    expect(await asOf(at(30))).toEqual([
      { sku: 'A', node_id: 'DC', sellable: 17, reserved: 0, inventory_value: 102, avg_unit_cost: 6 },
    ]);
  });
});
