import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { at, EventFactory, land, pinClock, rows } from '../unit/ledger/fixtures.ts';

/**
 * O1 (east) ships line 1 from DC1 and line 2 from DC2: a split order. O2 (west) ships one line from DC1 in
 * two shipments, with no DC1 → west lane. O3 never ships.
 */
async function trade(warehouse: Warehouse): Promise<void> {
  const f = new EventFactory();
  const order = (day: number, order_id: string, region: string, lines: [string, string, number][]) =>
    f.make('order_placed', at(day), {
      order_id,
      channel_id: 'WEB',
      ship_to_region: region,
      service_level: 'standard',
      lines: lines.map(([line_id, sku, qty]) => ({ line_id, sku, qty, unit_price: 10 })),
    });
  const ship = (day: number, order_id: string, line_id: string, node_id: string, sku: string, qty: number) =>
    f.make('shipped', at(day), { order_id, line_id, node_id, sku, qty });
  const lane = (node_id: string, region: string, cost_per_order: number, cost_per_unit: number) =>
    f.make('lane_upserted', at(1), { node_id, region, transit_days: 2, cost_per_order, cost_per_unit });
  await land(warehouse, [
    f.item('A', 2, 10),
    f.item('B', 2, 10),
    f.node('DC1', { pick_cost: 0.5 }),
    f.node('DC2'),
    lane('DC1', 'east', 5, 1),
    lane('DC2', 'east', 4, 0.25),
    f.make('channel_upserted', at(1), { channel_id: 'WEB', name: 'Web', channel_type: 'web' }),
    f.make('receipt', at(1), { node_id: 'DC1', sku: 'A', qty: 10, unit_cost: 2 }),
    f.make('receipt', at(1), { node_id: 'DC2', sku: 'B', qty: 10, unit_cost: 2 }),
    order(2, 'O1', 'east', [
      ['1', 'A', 3],
      ['2', 'B', 2],
    ]),
    order(2, 'O2', 'west', [['1', 'A', 2]]),
    order(2, 'O3', 'east', [['1', 'A', 1]]),
    ship(3, 'O1', '1', 'DC1', 'A', 3),
    ship(4, 'O1', '2', 'DC2', 'B', 2),
    ship(3, 'O2', '1', 'DC1', 'A', 1),
    ship(5, 'O2', '1', 'DC1', 'A', 1),
  ]);
  await refreshLedger(warehouse);
  await pinClock(warehouse, '2024-01-20T00:00:00Z');
}

describe('mart_order_fulfilment_cost (given shipments → expected legs and costs)', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-fulfilment-cost-'));
    warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
    await trade(warehouse);
  });
  afterAll(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('one row per order and shipping node, split orders flagged, cost in parts', async () => {
    expect(
      await rows(
        warehouse,
        `SELECT order_id, node_id, ship_to_region, ship_nodes, split, lines_shipped, units_shipped, has_lane,
                pick_cost, transport_cost, shipment_fee, fulfilment_cost
         FROM mart_order_fulfilment_cost ORDER BY order_id, node_id`,
      ),
    ).toEqual([
      // 3 units x (0.5 pick + 1 lane) + 5 fee
      {
        order_id: 'O1',
        node_id: 'DC1',
        ship_to_region: 'east',
        ship_nodes: 2,
        split: true,
        lines_shipped: 1,
        units_shipped: 3,
        has_lane: true,
        pick_cost: 1.5,
        transport_cost: 3,
        shipment_fee: 5,
        fulfilment_cost: 9.5,
      },
      {
        order_id: 'O1',
        node_id: 'DC2',
        ship_to_region: 'east',
        ship_nodes: 2,
        split: true,
        lines_shipped: 1,
        units_shipped: 2,
        has_lane: true,
        pick_cost: 0,
        transport_cost: 0.5,
        shipment_fee: 4,
        fulfilment_cost: 4.5,
      },
      // two shipments from one node are one leg; no lane to west: only the pick cost
      {
        order_id: 'O2',
        node_id: 'DC1',
        ship_to_region: 'west',
        ship_nodes: 1,
        split: false,
        lines_shipped: 1,
        units_shipped: 2,
        has_lane: false,
        pick_cost: 1,
        transport_cost: 0,
        shipment_fee: 0,
        fulfilment_cost: 1,
      },
    ]);
  });

  it('legs add up to mart_order_fulfilment per order (one cost rule)', async () => {
    expect(
      await rows(
        warehouse,
        `SELECT o.order_id, o.ship_nodes, o.fulfilment_cost, c.cost
         FROM mart_order_fulfilment o
         LEFT JOIN (SELECT order_id, sum(fulfilment_cost) AS cost FROM mart_order_fulfilment_cost GROUP BY ALL) c
           USING (order_id)
         ORDER BY o.order_id`,
      ),
    ).toEqual([
      { order_id: 'O1', ship_nodes: 2, fulfilment_cost: 14, cost: 14 },
      { order_id: 'O2', ship_nodes: 1, fulfilment_cost: 1, cost: 1 },
      { order_id: 'O3', ship_nodes: 0, fulfilment_cost: null, cost: null },
    ]);
  });
});
