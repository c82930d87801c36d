import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { parseConfig } from '../../src/workflow/config.ts';
import { warehouseReader } from '../../src/workflow/reader.ts';
import { recoveryByDisposition, returnsPolicySchema } from '../../src/workflow/returns.ts';
import { at, EventFactory, land, pinClock, rows } from '../unit/ledger/fixtures.ts';

/**
 * WEB sells 5 A (apparel, cost 4) from DC; the STORES channel sells 4 C (home, cost 10) at ST. Returns: R1 of the
 * web order (2 A, "too small", graded 1 restock + 1 liquidate), R2 of the web order (1 A, no reason, ungraded),
 * R3 at the store without an order (1 C, "defective", written off), R4 at DC without an order (1 A, "damaged").
 */
async function trade(warehouse: Warehouse): Promise<void> {
  const f = new EventFactory();
  const ret = (day: number, return_id: string, node_id: string, sku: string, qty: number, extra = {}) =>
    f.make('return_received', at(day), { return_id, node_id, sku, qty, ...extra });
  const grade = (day: number, return_id: string, node_id: string, sku: string, disposition: string) =>
    f.make('return_graded', at(day), { return_id, node_id, sku, qty: 1, grade: 'B', disposition });
  const line = { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 5 };
  await land(warehouse, [
    f.item('A', 4, 10),
    f.item('C', 10, 20, at(1), { category: 'home' }),
    f.node('DC'),
    f.node('ST', { node_type: 'store' }),
    f.make('channel_upserted', at(1), { channel_id: 'WEB', name: 'Web', channel_type: 'web' }),
    f.make('channel_upserted', at(1), {
      channel_id: 'STORES',
      name: 'Stores',
      channel_type: 'store',
      node_ids: ['ST'],
    }),
    f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 20, unit_cost: 4 }),
    f.make('receipt', at(2), { node_id: 'ST', sku: 'C', qty: 10, unit_cost: 10 }),
    f.make('order_placed', at(3), {
      order_id: 'O1',
      channel_id: 'WEB',
      ship_to_region: 'east',
      service_level: 'standard',
      lines: [{ line_id: '1', sku: 'A', qty: 5, unit_price: 10 }],
    }),
    f.make('allocated', at(3, 1), line),
    f.make('shipped', at(4), line),
    f.make('pos_sale', at(4), { node_id: 'ST', sku: 'C', qty: 4, unit_price: 20 }),
    ret(5, 'R1', 'DC', 'A', 2, { order_id: 'O1', line_id: '1', reason: 'too small' }),
    ret(5, 'R2', 'DC', 'A', 1, { order_id: 'O1' }),
    ret(6, 'R3', 'ST', 'C', 1, { reason: 'defective' }),
    ret(6, 'R4', 'DC', 'A', 1, { reason: 'damaged' }),
    grade(7, 'R1', 'DC', 'A', 'restock'),
    grade(7, 'R1', 'DC', 'A', 'liquidate'),
    grade(7, 'R3', 'ST', 'C', 'write_off'),
  ]);
  await refreshLedger(warehouse);
  await pinClock(warehouse, '2024-01-20T00:00:00Z');
}

describe('returns marts (given returns → expected rates and recovery)', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-mart-returns-'));
    warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
    await trade(warehouse);
  });
  afterAll(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('mart_returns: rate by channel, category and reason; recovery of the graded units', async () => {
    expect(await rows(warehouse, 'SELECT * FROM mart_returns ORDER BY channel_id, category, reason')).toEqual(
      [
        // a store return without an order belongs to the store's channel, like its sales
        {
          channel_id: 'STORES',
          category: 'home',
          reason: 'defective',
          sold_units: 4,
          returns: 1,
          returned_units: 1,
          return_rate: 0.25,
          graded_units: 1,
          cost_value: 10,
          recovered_value: 0,
        },
        // 4 restocked at 100 % + 4 liquidated at 40 %
        {
          channel_id: 'WEB',
          category: 'apparel',
          reason: 'too small',
          sold_units: 5,
          returns: 1,
          returned_units: 2,
          return_rate: 0.4,
          graded_units: 2,
          cost_value: 8,
          recovered_value: 5.6,
        },
        {
          channel_id: 'WEB',
          category: 'apparel',
          reason: 'unspecified',
          sold_units: 5,
          returns: 1,
          returned_units: 1,
          return_rate: 0.2,
          graded_units: 0,
          cost_value: 0,
          recovered_value: 0,
        },
        // no order, no store channel: unlinked, with no sales to rate against
        {
          channel_id: 'unlinked',
          category: 'apparel',
          reason: 'damaged',
          sold_units: 0,
          returns: 1,
          returned_units: 1,
          return_rate: null,
          graded_units: 0,
          cost_value: 0,
          recovered_value: 0,
        },
      ],
    );
  });

  it('mart_returns_recovery: per disposition and category, at the warehouse recovery rates', async () => {
    expect(
      await rows(warehouse, 'SELECT * FROM mart_returns_recovery ORDER BY disposition, category'),
    ).toEqual([
      {
        disposition: 'liquidate',
        category: 'apparel',
        returns: 1,
        units: 1,
        cost_value: 4,
        recovery_rate: 0.4,
        recovered_value: 1.6,
      },
      {
        disposition: 'restock',
        category: 'apparel',
        returns: 1,
        units: 1,
        cost_value: 4,
        recovery_rate: 1,
        recovered_value: 4,
      },
      {
        disposition: 'write_off',
        category: 'home',
        returns: 1,
        units: 1,
        cost_value: 10,
        recovery_rate: 0,
        recovered_value: 0,
      },
    ]);
  });

  it('recovery follows the returns_recovery_rates table (one copy for every reader)', async () => {
    await warehouse.run(
      "UPDATE returns_recovery_rates SET recovery_rate = 0.5 WHERE disposition = 'restock'",
    );
    try {
      expect(
        await rows(warehouse, "SELECT recovered_value FROM mart_returns WHERE reason = 'too small'"),
      ).toEqual([{ recovered_value: 3.6 }]);
      expect(
        await rows(
          warehouse,
          "SELECT recovery_rate, recovered_value FROM mart_returns_recovery WHERE disposition = 'restock'",
        ),
      ).toEqual([{ recovery_rate: 0.5, recovered_value: 2 }]);
    } finally {
      await warehouse.run(
        "UPDATE returns_recovery_rates SET recovery_rate = 1 WHERE disposition = 'restock'",
      );
    }
  });

  it('recoveryByDisposition (CLI and API) reads the same warehouse rates', async () => {
    await warehouse.run(
      "UPDATE returns_recovery_rates SET recovery_rate = 0.25 WHERE disposition = 'liquidate'",
    );
    try {
      const liquidate = (await recoveryByDisposition(warehouseReader(warehouse))).find(
        (row) => row.disposition === 'liquidate',
      );
      expect(liquidate).toEqual({
        disposition: 'liquidate',
        returns: 1,
        units: 1,
        cost_value: 4,
        recovery_rate: 0.25,
        recovery_value: 1,
      });
    } finally {
      await warehouse.run(
        "UPDATE returns_recovery_rates SET recovery_rate = 0.4 WHERE disposition = 'liquidate'",
      );
    }
  });

  it('a returns config that still sets recovery_rate is refused with where the rates went', () => {
    const config = JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, '../../config/returns.json'), 'utf8'),
    );
    expect(() => parseConfig(returnsPolicySchema, config, 'returns.json')).not.toThrow();
    expect(() =>
      parseConfig(returnsPolicySchema, { ...config, recovery_rate: { restock: 1 } }, 'returns.json'),
    ).toThrow(/returns_recovery_rates/);
  });
});
