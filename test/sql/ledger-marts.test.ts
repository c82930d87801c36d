import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  at,
  EventFactory,
  failingAssertions,
  land,
  pinClock,
  rows,
  setSetting,
} from '../unit/ledger/fixtures.ts';

/** A small month of trading where every number below can be worked out by hand. */
async function trade(warehouse: Warehouse): Promise<void> {
  const f = new EventFactory();
  const ref = (line_id: string, qty: number) => ({ order_id: 'O1', line_id, node_id: 'DC', sku: 'A', qty });
  await land(warehouse, [
    f.item('A', 4, 10),
    f.item('B', 2, 5, at(1), { category: 'home' }),
    f.node('DC'),
    f.node('ST', { node_type: 'store' }),
    f.make('channel_upserted', at(1), { channel_id: 'WEB', name: 'Web', channel_type: 'web' }),
    f.make('channel_upserted', at(1), {
      channel_id: 'STORES',
      name: 'Stores',
      channel_type: 'store',
      node_ids: ['ST'],
    }),
    f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 4 }),
    f.make('receipt', at(2), { node_id: 'ST', sku: 'B', qty: 10, unit_cost: 2 }),
    f.make('order_placed', at(3), {
      order_id: 'O1',
      channel_id: 'WEB',
      ship_to_region: 'east',
      service_level: 'standard',
      lines: [
        { line_id: '1', sku: 'A', qty: 2, unit_price: 10 },
        { line_id: '2', sku: 'A', qty: 1, unit_price: 8 },
      ],
    }),
    f.make('allocated', at(3, 1), ref('1', 2)),
    f.make('allocated', at(3, 1), ref('2', 1)),
    f.make('shipped', at(4), ref('1', 2)),
    f.make('shipped', at(4), ref('2', 1)),
    f.make('pos_sale', at(4), { node_id: 'ST', sku: 'B', qty: 3, unit_price: 5 }),
    f.make('return_received', at(5), {
      return_id: 'R1',
      order_id: 'O1',
      line_id: '1',
      node_id: 'DC',
      sku: 'A',
      qty: 1,
    }),
    f.make('refund_issued', at(6), { order_id: 'O1', line_id: '1', return_id: 'R1', amount: 10 }),
    f.make('transfer_shipped', at(6), {
      transfer_id: 'T1',
      from_node_id: 'DC',
      to_node_id: 'ST',
      sku: 'A',
      qty: 3,
    }),
    f.make('adjustment', at(7), { node_id: 'ST', sku: 'B', qty: -1, reason: 'shrink' }),
    f.make('cycle_count', at(8), { node_id: 'DC', sku: 'A', counted_qty: 3 }),
    f.make('price_changed', at(9), { sku: 'A', price: 3, reason: 'markdown' }),
  ]);
  await refreshLedger(warehouse);
  await pinClock(warehouse, '2024-01-20T00:00:00Z');
}

describe('ledger: financial marts', () => {
  let w: Warehouse;
  // one in-memory warehouse shared by the checks of this file (they only read, or change settings last)
  beforeAll(async () => {
    w = await Warehouse.open(':memory:');
    await trade(w);
  });
  afterAll(async () => {
    await w.close();
  });

  it('revenue, refunds, COGS, gross margin and margin % by day × channel × category', async () => {
    expect(
      await rows(
        w,
        `SELECT strftime(day, '%d') AS day, channel_id, category, units_sold, units_returned, revenue, refunds, cogs,
                returned_cogs, gross_margin, margin_pct
         FROM mart_margin_daily ORDER BY ALL`,
      ),
    ).toEqual([
      {
        day: '04',
        channel_id: 'STORES',
        category: 'home',
        units_sold: 3,
        units_returned: 0,
        revenue: 15,
        refunds: 0,
        cogs: 6,
        returned_cogs: 0,
        gross_margin: 9,
        margin_pct: 60,
      },
      {
        day: '04',
        channel_id: 'WEB',
        category: 'apparel',
        units_sold: 3,
        units_returned: 0,
        revenue: 28,
        refunds: 0,
        cogs: 12,
        returned_cogs: 0,
        gross_margin: 16,
        margin_pct: 57.14,
      },
      {
        day: '05',
        channel_id: 'WEB',
        category: 'apparel',
        units_sold: 0,
        units_returned: 1,
        revenue: 0,
        refunds: 0,
        cogs: 0,
        returned_cogs: 4,
        gross_margin: 4,
        margin_pct: null,
      },
      {
        day: '06',
        channel_id: 'WEB',
        category: 'apparel',
        units_sold: 0,
        units_returned: 0,
        revenue: 0,
        refunds: 10,
        cogs: 0,
        returned_cogs: 0,
        gross_margin: -10,
        margin_pct: null,
      },
    ]);
    expect(
      await rows(
        w,
        'SELECT node_id, revenue, cogs, returned_cogs, gross_margin FROM mart_margin_by_node ORDER BY ALL',
      ),
    ).toEqual([
      { node_id: 'DC', revenue: 0, cogs: 0, returned_cogs: 4, gross_margin: 4 },
      { node_id: 'DC', revenue: 28, cogs: 12, returned_cogs: 0, gross_margin: 16 },
      { node_id: 'ST', revenue: 15, cogs: 6, returned_cogs: 0, gross_margin: 9 },
    ]);
  });

  it('the inventory roll-forward balances per period and node', async () => {
    expect(
      await rows(
        w,
        `SELECT node_id, opening_value, receipts, cogs, customer_returns, write_offs, shrink, count_variance,
                transfers_in, transfers_out, cost_variance, closing_value, balance_difference
         FROM mart_inventory_rollforward WHERE period_grain = 'month' ORDER BY node_id`,
      ),
    ).toEqual([
      {
        node_id: 'DC',
        opening_value: 0,
        receipts: 40,
        cogs: 12,
        customer_returns: 4,
        write_offs: 0,
        shrink: 0,
        count_variance: -4,
        transfers_in: 0,
        transfers_out: 12,
        cost_variance: 0,
        closing_value: 16,
        balance_difference: 0,
      },
      {
        node_id: 'ST',
        opening_value: 0,
        receipts: 20,
        cogs: 6,
        customer_returns: 0,
        write_offs: 0,
        shrink: -2,
        count_variance: 0,
        transfers_in: 12,
        transfers_out: 0,
        cost_variance: 0,
        closing_value: 24,
        balance_difference: 0,
      },
    ]);
    // by day: DC opens day 5 at 40 - 12 = 28
    expect(
      await rows(
        w,
        "SELECT opening_value, closing_value FROM mart_inventory_rollforward WHERE period_grain = 'day' AND node_id = 'DC' AND period_start = '2024-01-05'",
      ),
    ).toEqual([{ opening_value: 28, closing_value: 32 }]);
    expect(await failingAssertions(w)).toEqual([]);
  });

  it('KPIs over the trailing window: one definition per KPI, by period and scope', async () => {
    const kpis = Object.fromEntries(
      (
        await rows(w, "SELECT kpi, value FROM mart_kpis WHERE scope = 'all' AND period_grain = 'trailing'")
      ).map((row) => [row.kpi, row.value]),
    );
    expect(kpis).toMatchObject({
      inventory_accuracy: 100, // the one count (-1 of 4) is within 2 units
      // account-days with nothing sellable: A@ST (its 3 are in transit) on each of its 14 days, of 50
      // account-days (A@DC and B@ST from day 2, A@ST from day 6, to day 19)
      stockout_rate: 28,
      stockouts: 1, // A@ST at the end
      inventory_value: 40, // DC: 3 + 1 returned of A at 4; ST: 6 of B at 2 and 3 of A in transit at 4
      weeks_of_supply: 6.0317, // 40 / (18 of COGS in 19 days × 7)
      order_cycle_hours: 24,
      placed_to_allocated_hours: 1,
      cancellation_rate: 0,
      fill_rate: 100,
      units_sold: 6,
      orders_placed: 1,
      return_rate: 16.6667, // 1 unit back of 6 sold (3 shipped, 3 at the store)
      refund_processing_hours: 24,
    });
    // each KPI comes from the view of its family, and every KPI has a definition
    const families = await rows(
      w,
      `SELECT DISTINCT d.kpi, k.family, d.part FROM (
         SELECT kpi, 'operations' AS part FROM mart_kpi_daily_operations UNION ALL
         SELECT kpi, 'finance' FROM mart_kpi_daily_finance UNION ALL SELECT kpi, 'demand' FROM mart_kpi_daily_demand) d
       LEFT JOIN mart_kpi_definitions k USING (kpi) WHERE k.family IS DISTINCT FROM d.part`,
    );
    expect(families).toEqual([]);
    const returns = await rows(
      w,
      "SELECT scope_id, value FROM mart_kpis WHERE kpi = 'return_rate' AND scope = 'channel' AND period_grain = 'trailing' ORDER BY 1",
    );
    expect(returns).toEqual([
      { scope_id: 'STORES', value: 0 },
      { scope_id: 'WEB', value: 33.3333 }, // 1 of the 3 web units shipped came back
    ]);
    expect(kpis.allocated_to_picked_hours).toBeNull(); // no picks recorded
    expect(
      await rows(
        w,
        'SELECT order_id, units_ordered, units_shipped, fully_shipped, placed_to_shipped_hours FROM mart_order_fulfilment',
      ),
    ).toEqual([
      {
        order_id: 'O1',
        units_ordered: 3,
        units_shipped: 3,
        fully_shipped: true,
        placed_to_shipped_hours: 24,
      },
    ]);
  });

  it('markdown and promotion exposure: sold below list, stock priced below cost, aged stock', async () => {
    expect(
      await rows(
        w,
        'SELECT channel_id, price_reason, units, revenue, discount_value FROM mart_sales_below_list',
      ),
    ).toEqual([{ channel_id: 'WEB', price_reason: 'unexplained', units: 1, revenue: 8, discount_value: 2 }]);
    const exposure = () =>
      rows(
        w,
        'SELECT sku, node_id, on_hand, current_price, price_reason, below_cost_value, aged FROM mart_stock_exposure ORDER BY ALL',
      );
    expect(await exposure()).toEqual(
      [
        {
          sku: 'A',
          node_id: 'DC',
          on_hand: 4,
          current_price: 3,
          price_reason: 'markdown',
          below_cost_value: 4,
          aged: false,
        },
        {
          sku: 'A',
          node_id: 'ST',
          on_hand: 0,
          current_price: 3,
          price_reason: 'markdown',
          below_cost_value: 0,
          aged: true,
        },
        {
          sku: 'B',
          node_id: 'ST',
          on_hand: 6,
          current_price: 5,
          price_reason: 'list',
          below_cost_value: 0,
          aged: false,
        },
      ].filter((row) => row.on_hand > 0),
    );
    await setSetting(w, 'aged_stock_days', '10');
    expect((await exposure()).map((row) => [row.sku, row.node_id, row.aged])).toEqual([
      ['A', 'DC', true],
      ['B', 'ST', true], // last sold on the 4th: more than 10 days before the 20th
    ]);
  });
});

describe('ledger: available to promise and pick backlog', () => {
  let w: Warehouse;
  beforeAll(async () => {
    w = await Warehouse.open(':memory:');
    const f = new EventFactory();
    const po = (po_id: string, expected_at: string, qty: number) =>
      f.make('po_created', at(1), {
        po_id,
        supplier_id: 'S',
        node_id: 'DC',
        expected_at,
        lines: [{ line_id: '1', sku: 'A', qty, unit_cost: 1 }],
      });
    await land(w, [
      f.item('A', 1, 3),
      f.node('DC', { ship_capacity_per_day: 10, carrier_cutoff: '18:00' }),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 1 }),
      f.make('receipt', at(2), { node_id: 'ST', sku: 'A', qty: 10, unit_cost: 1 }),
      po('P1', '2024-01-15', 20),
      po('P2', '2024-01-05', 6), // overdue: counts from today
      f.make('receipt', at(3), { node_id: 'DC', sku: 'A', qty: 5, unit_cost: 1, po_id: 'P1' }),
      f.make('transfer_shipped', at(4), {
        transfer_id: 'T1',
        from_node_id: 'ST',
        to_node_id: 'DC',
        sku: 'A',
        qty: 4,
        expected_at: '2024-01-12',
      }),
      f.make('allocated', at(5), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 3 }),
      f.make('picked', at(5, 1), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 3 }),
      f.make('allocated', at(5, 2), { order_id: 'O2', line_id: '1', node_id: 'DC', sku: 'A', qty: 2 }),
    ]);
    await refreshLedger(w);
    await pinClock(w, '2024-01-10T12:00:00Z');
  });
  afterAll(async () => {
    await w.close();
  });

  it('available now plus inbound transfers and open PO quantities by their dates, for 60 days', async () => {
    const atp = (node: string) =>
      rows(
        w,
        `SELECT strftime(day, '%m-%d') AS day, available_now, inbound_qty, atp FROM available_to_promise
         WHERE sku = 'A' AND node_id = '${node}' AND day IN ('2024-01-10', '2024-01-11', '2024-01-12', '2024-01-15', '2024-03-09')
         ORDER BY day`,
      );
    // DC: 15 sellable - 5 reserved = 10; P2 (6, overdue) from today; T1 (4) on the 12th; P1's open 15 on the 15th
    expect(await atp('DC')).toEqual([
      { day: '01-10', available_now: 10, inbound_qty: 6, atp: 16 },
      { day: '01-11', available_now: 10, inbound_qty: 6, atp: 16 },
      { day: '01-12', available_now: 10, inbound_qty: 10, atp: 20 },
      { day: '01-15', available_now: 10, inbound_qty: 25, atp: 35 },
      { day: '03-09', available_now: 10, inbound_qty: 25, atp: 35 },
    ]);
    expect((await atp('ST')).map((row) => row.atp)).toEqual([6, 6, 6, 6, 6]);
    expect(await rows(w, "SELECT count(*) AS days FROM available_to_promise WHERE node_id = 'DC'")).toEqual([
      { days: 60 },
    ]);
  });

  it('pick backlog: reserved units not yet picked, against capacity and the next carrier cutoff', async () => {
    expect(await rows(w, 'SELECT * FROM mart_pick_backlog')).toEqual([
      {
        node_id: 'DC',
        backlog_units: 2, // O1's 3 are picked; O2's 2 are not
        reserved_units: 5,
        lines: 2,
        ship_capacity_per_day: 10,
        backlog_days: 0.2,
        next_cutoff_at: '2024-01-10T18:00:00.000Z',
        capacity_until_cutoff: 2, // 6 of 24 hours of 10 units a day
        over_capacity: false,
      },
    ]);
  });
});
