import { describe, expect, it } from 'vitest';
import { loadWarehouseDemand } from '../../src/replenishment/demand-history.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, EventFactory, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

describe('replenishment: demand history for replays', () => {
  it('daily POS + shipped units per sku × node over the whole span, zeros where nothing sold', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await land(w, [
      f.item('A', 4, 10),
      f.make('pos_sale', at(2, 10), { node_id: 'ST', sku: 'A', qty: 2, unit_price: 10 }),
      f.make('pos_sale', at(2, 15), { node_id: 'ST', sku: 'A', qty: 1, unit_price: 10 }),
      f.make('pos_sale', at(5, 9), { node_id: 'ST', sku: 'A', qty: 4, unit_price: 10 }),
      f.make('shipped', at(3, 12), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 6 }),
      // not demand: receipts and allocations
      f.make('receipt', at(1), { node_id: 'DC', sku: 'A', qty: 50, unit_cost: 4 }),
      f.make('allocated', at(3, 9), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 6 }),
    ]);
    expect(await loadWarehouseDemand(w)).toEqual([
      { id: 'A@DC', demand: [0, 6, 0, 0], unitValue: 10 },
      { id: 'A@ST', demand: [3, 0, 0, 4], unitValue: 10 },
    ]);
  });
});
