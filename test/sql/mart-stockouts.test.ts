import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { at, EventFactory, land, pinClock, rows, setSetting } from '../unit/ledger/fixtures.ts';

const COLUMNS = `strftime(day, '%d') AS day, sku, node_id, node_type, category, sellable_units, units_sold, window_units,
  window_in_stock_days, round(daily_rate, 4) AS daily_rate, round(lost_units, 4) AS lost_units, lost_revenue`;

/**
 * A store (ST) runs out of A on day 4 and is not restocked; C is oversold at ST on day 2; B at ST never sells;
 * a returns centre (RC) sells its only unit. The window is 4 days, the clock at the start of day 10.
 */
async function trade(warehouse: Warehouse, arrival: 'in order' | 'shuffled'): Promise<void> {
  const f = new EventFactory();
  const sale = (day: number, node_id: string, sku: string, qty: number, unit_price: number) =>
    f.make('pos_sale', at(day, 12), { node_id, sku, qty, unit_price });
  const events = [
    f.item('A', 2, 10),
    f.item('C', 2, 5, at(1), { category: 'home' }),
    f.node('ST', { node_type: 'store' }),
    f.node('RC', { node_type: 'returns_center' }),
    f.make('receipt', at(1), { node_id: 'ST', sku: 'A', qty: 6, unit_cost: 2 }),
    f.make('receipt', at(1), { node_id: 'ST', sku: 'B', qty: 1, unit_cost: 2 }),
    f.make('adjustment', at(2), { node_id: 'ST', sku: 'B', qty: -1, reason: 'shrink' }),
    f.make('receipt', at(1), { node_id: 'ST', sku: 'C', qty: 1, unit_cost: 2 }),
    f.make('receipt', at(1), { node_id: 'RC', sku: 'A', qty: 1, unit_cost: 2 }),
    sale(2, 'ST', 'A', 2, 5),
    sale(3, 'ST', 'A', 2, 6),
    sale(4, 'ST', 'A', 2, 7),
    sale(2, 'ST', 'C', 3, 4),
    sale(3, 'RC', 'A', 1, 3),
  ];
  // Late, out-of-order arrival must give the same result (ledger order is business time).
  await land(warehouse, arrival === 'in order' ? events : [...events].reverse());
  await setSetting(warehouse, 'stockout_window_days', '4');
  await refreshLedger(warehouse);
  await pinClock(warehouse, '2024-01-10T00:00:00Z');
}

const EXPECTED = [
  // A at ST: out from day 4 (sold 2 that day, at most the rate), demand fades out of the 4-day window by day 9.
  {
    day: '04',
    sku: 'A',
    node_id: 'ST',
    node_type: 'store',
    category: 'apparel',
    sellable_units: 0,
    units_sold: 2,
    window_units: 4,
    window_in_stock_days: 3,
    daily_rate: 1.3333,
    lost_units: 0,
    lost_revenue: 0,
  },
  {
    day: '05',
    sku: 'A',
    node_id: 'ST',
    node_type: 'store',
    category: 'apparel',
    sellable_units: 0,
    units_sold: 0,
    window_units: 6,
    window_in_stock_days: 4,
    daily_rate: 1.5,
    lost_units: 1.5,
    lost_revenue: 9,
  },
  {
    day: '06',
    sku: 'A',
    node_id: 'ST',
    node_type: 'store',
    category: 'apparel',
    sellable_units: 0,
    units_sold: 0,
    window_units: 6,
    window_in_stock_days: 3,
    daily_rate: 2,
    lost_units: 2,
    lost_revenue: 12,
  },
  {
    day: '07',
    sku: 'A',
    node_id: 'ST',
    node_type: 'store',
    category: 'apparel',
    sellable_units: 0,
    units_sold: 0,
    window_units: 4,
    window_in_stock_days: 2,
    daily_rate: 2,
    lost_units: 2,
    lost_revenue: 13,
  },
  {
    day: '08',
    sku: 'A',
    node_id: 'ST',
    node_type: 'store',
    category: 'apparel',
    sellable_units: 0,
    units_sold: 0,
    window_units: 2,
    window_in_stock_days: 1,
    daily_rate: 2,
    lost_units: 2,
    lost_revenue: 14,
  },
  // C at ST: oversold to -2 on day 2 (no sales in the window before it, so not yet "sells there").
  {
    day: '03',
    sku: 'C',
    node_id: 'ST',
    node_type: 'store',
    category: 'home',
    sellable_units: -2,
    units_sold: 0,
    window_units: 3,
    window_in_stock_days: 2,
    daily_rate: 1.5,
    lost_units: 1.5,
    lost_revenue: 6,
  },
  {
    day: '04',
    sku: 'C',
    node_id: 'ST',
    node_type: 'store',
    category: 'home',
    sellable_units: -2,
    units_sold: 0,
    window_units: 3,
    window_in_stock_days: 2,
    daily_rate: 1.5,
    lost_units: 1.5,
    lost_revenue: 6,
  },
  {
    day: '05',
    sku: 'C',
    node_id: 'ST',
    node_type: 'store',
    category: 'home',
    sellable_units: -2,
    units_sold: 0,
    window_units: 3,
    window_in_stock_days: 2,
    daily_rate: 1.5,
    lost_units: 1.5,
    lost_revenue: 6,
  },
  {
    day: '06',
    sku: 'C',
    node_id: 'ST',
    node_type: 'store',
    category: 'home',
    sellable_units: -2,
    units_sold: 0,
    window_units: 3,
    window_in_stock_days: 1,
    daily_rate: 3,
    lost_units: 3,
    lost_revenue: 12,
  },
];

describe('mart_stockouts_daily (given trading → expected stockout days and lost sales)', () => {
  const dirs: string[] = [];
  const warehouses: Warehouse[] = [];

  async function open(): Promise<Warehouse> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-stockouts-'));
    dirs.push(dir);
    const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
    warehouses.push(warehouse);
    return warehouse;
  }

  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await open();
    await trade(warehouse, 'in order');
  });
  afterAll(async () => {
    for (const w of warehouses) await w.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists each day an account that sells is out, with the lost units and revenue of the stated rule', async () => {
    expect(await rows(warehouse, `SELECT ${COLUMNS} FROM mart_stockouts_daily ORDER BY sku, day`)).toEqual(
      EXPECTED,
    );
  });

  it('leaves out accounts that never sold (B) and returns centres (RC), whatever their stock', async () => {
    expect(
      await rows(
        warehouse,
        "SELECT count(*) AS n FROM mart_stockouts_daily WHERE sku = 'B' OR node_id = 'RC'",
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('the same events arriving late and out of order give the same rows', async () => {
    const shuffled = await open();
    await trade(shuffled, 'shuffled');
    expect(await rows(shuffled, `SELECT ${COLUMNS} FROM mart_stockouts_daily ORDER BY sku, day`)).toEqual(
      EXPECTED,
    );
  });

  it('the window follows stockout_window_days: with 2 days, A stops counting as selling sooner', async () => {
    await setSetting(warehouse, 'stockout_window_days', '2');
    try {
      expect(
        await rows(
          warehouse,
          `SELECT strftime(day, '%d') AS day, window_units, window_in_stock_days, round(lost_units, 4) AS lost_units
           FROM mart_stockouts_daily WHERE sku = 'A' ORDER BY day`,
        ),
      ).toEqual([
        { day: '04', window_units: 4, window_in_stock_days: 2, lost_units: 0 },
        { day: '05', window_units: 4, window_in_stock_days: 2, lost_units: 2 },
        { day: '06', window_units: 2, window_in_stock_days: 1, lost_units: 2 },
      ]);
    } finally {
      await setSetting(warehouse, 'stockout_window_days', '4');
    }
  });
});
