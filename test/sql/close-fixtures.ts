/** Given events of the finance-close tests (test/sql/finance-close.test.ts, test/integration/api-close.test.ts). */
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { at, type EventBody, EventFactory, land, pinClock } from '../unit/ledger/fixtures.ts';

export const CLOSE_CLOCK = '2024-01-12T00:00:00Z';

/** Master data, a store with stock, daily sales and open items; late events placed by `late`. */
export function closeBatches(late: boolean): EventBody[][] {
  const f = new EventFactory();
  const sale = (day: number, hour: number) =>
    f.make('pos_sale', at(day, hour), { node_id: 'ST', sku: 'A', qty: 1, unit_price: 10 });
  // a receipt of the 3rd at 15:00 that arrives on the 5th after the 10:00 sale: 1 d 19 h late
  const lateReceipt = f.make('receipt', at(3, 15), { node_id: 'ST', sku: 'A', qty: 5, unit_cost: 4 });
  // counts of the 6th (matching the book: moves nothing) and the 7th (2 missing), arriving on the 9th at 08:00
  const matchingCount = f.make('cycle_count', at(6, 18), { node_id: 'ST', sku: 'A', counted_qty: 9 });
  const shortCount = f.make('cycle_count', at(7, 18), { node_id: 'ST', sku: 'A', counted_qty: 7 });
  // a late move between buckets of the same account: no value changes
  const lateStatus = f.make('status_changed', at(8, 6), {
    node_id: 'ST',
    sku: 'A',
    qty: 1,
    from_status: 'sellable',
    to_status: 'damaged',
  });
  const master = [
    f.item('A', 4, 10),
    f.node('DC'),
    f.node('ST', { node_type: 'store' }),
    f.make('channel_upserted', at(1), {
      channel_id: 'STORES',
      name: 'Stores',
      channel_type: 'store',
      node_ids: ['ST'],
    }),
    f.make('po_created', at(2, 8), {
      po_id: 'PO1',
      supplier_id: 'S1',
      node_id: 'DC',
      expected_at: at(8),
      lines: [{ line_id: '1', sku: 'A', qty: 5, unit_cost: 4 }],
    }),
    f.make('receipt', at(2, 9), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 4 }),
    f.make('pos_sale', at(2, 12), { node_id: 'ST', sku: 'A', qty: 2, unit_price: 10 }),
  ];
  const day3 = [sale(3, 12), ...(late ? [] : [lateReceipt]), sale(4, 12)];
  const day5 = [sale(5, 10), ...(late ? [lateReceipt] : []), sale(5, 14)];
  const day6to8 = late ? [] : [matchingCount, shortCount, lateStatus];
  const day9 = [
    sale(9, 8),
    ...(late ? [lateStatus, matchingCount, shortCount] : []),
    // still open at the clock: a return not graded, a refund whose return never came, a transfer in transit
    f.make('return_received', at(9, 9), { return_id: 'R1', node_id: 'ST', sku: 'A', qty: 1 }),
    f.make('refund_issued', at(9, 10), { order_id: 'O9', return_id: 'R2', amount: 10 }),
    f.make('transfer_shipped', at(9, 11), {
      transfer_id: 'T1',
      from_node_id: 'ST',
      to_node_id: 'DC',
      sku: 'A',
      qty: 1,
    }),
  ];
  return [master, day3, day5, day6to8, day9].filter((batch) => batch.length > 0);
}

/** Lands the batches in order (a ledger refresh after each) and pins the clock. */
export async function deliverClose(warehouse: Warehouse, late: boolean): Promise<void> {
  for (const batch of closeBatches(late)) {
    await land(warehouse, batch);
    await refreshLedger(warehouse);
  }
  await pinClock(warehouse, CLOSE_CLOCK);
}
