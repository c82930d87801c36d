import { describe, expect, it } from 'vitest';
import { type AlertRule, parseAlertConfig } from '../../src/alerts/config.ts';
import { evaluateRule } from '../../src/alerts/evaluate.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, type EventBody, EventFactory, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();
const AS_OF = new Date('2024-01-29T23:00:00Z');

/** Given: one small retailer whose state on Jan 29 puts each rule just above and just below its threshold. */
function given(): EventBody[] {
  const f = new EventFactory('g');
  const po = (id: string, expected: number) =>
    f.make('po_created', at(5), {
      po_id: id,
      supplier_id: 'SUP',
      node_id: 'DC',
      expected_at: at(expected),
      lines: [{ line_id: '1', sku: 'A', qty: 10, unit_cost: 2 }],
    });
  return [
    f.item('A', 2, 5),
    f.item('B', 2, 5),
    f.node('ST', { node_type: 'store' }),
    f.node('DC', { ship_capacity_per_day: 10 }),
    f.node('DC2', { ship_capacity_per_day: 10 }),
    // low stock: A ends with 5 available at 1/day (reorder point 7) → fires; B with 8 → does not
    f.make('receipt', at(1), { node_id: 'ST', sku: 'A', qty: 33, unit_cost: 2 }),
    f.make('receipt', at(1), { node_id: 'ST', sku: 'B', qty: 36, unit_cost: 2 }),
    ...Array.from({ length: 28 }, (_, i) => [
      f.make('pos_sale', at(i + 2, 12), { node_id: 'ST', sku: 'A', qty: 1, unit_price: 5 }),
      f.make('pos_sale', at(i + 2, 12), { node_id: 'ST', sku: 'B', qty: 1, unit_price: 5 }),
    ]).flat(),
    // delayed inbound: overdue → fires; due later → not; pushed back 3 days → fires; 2 days → not
    po('PO-LATE', 27),
    po('PO-LATER', 31),
    po('PO-SLIP3', 40),
    po('PO-SLIP2', 40),
    f.make('po_updated', at(20), { po_id: 'PO-SLIP3', expected_at: at(43) }),
    f.make('po_updated', at(20), { po_id: 'PO-SLIP2', expected_at: at(42) }),
    // fulfilment backlog: 11 units waiting at DC (capacity 10) → fires; 10 at DC2 → not
    f.make('order_placed', at(28), {
      order_id: 'O1',
      channel_id: 'WEB',
      ship_to_region: 'east',
      service_level: 'standard',
      lines: [{ line_id: '1', sku: 'A', qty: 11, unit_price: 5 }],
    }),
    f.make('order_placed', at(28), {
      order_id: 'O2',
      channel_id: 'WEB',
      ship_to_region: 'east',
      service_level: 'standard',
      lines: [{ line_id: '1', sku: 'B', qty: 10, unit_price: 5 }],
    }),
    f.make('allocated', at(28, 1), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 11 }),
    f.make('allocated', at(28, 1), { order_id: 'O2', line_id: '1', node_id: 'DC2', sku: 'B', qty: 10 }),
    // inventory mismatch: B counted 30 of 50 → beyond tolerance; A counted 49 of 50 → within
    f.make('receipt', at(1), { node_id: 'DC', sku: 'B', qty: 50, unit_cost: 2 }),
    f.make('receipt', at(1), { node_id: 'DC2', sku: 'A', qty: 50, unit_cost: 2 }),
    f.make('cycle_count', at(29, 6), { node_id: 'DC', sku: 'B', counted_qty: 30 }),
    f.make('cycle_count', at(29, 6), { node_id: 'DC2', sku: 'A', counted_qty: 49 }),
  ];
}

async function warehouse(): Promise<Warehouse> {
  const w = await tmp.open();
  await land(w, given());
  await refreshLedger(w);
  // allocator output and detector output, as those modules write them
  await w.run(`INSERT INTO allocation_exceptions VALUES
    ('x1', 'backorder', 'high', 'A', 'DC', 'O1', '1', NULL, '2024-01-28', 'open', NULL, NULL, 'r1', '{}'),
    ('x2', 'backorder', 'high', 'B', 'DC2', 'O2', '1', NULL, '2024-01-28', 'open', NULL, NULL, 'r1', '{}'),
    ('x3', 'promise_at_risk', 'medium', 'B', 'DC2', 'O2', '1', NULL, '2024-01-28', 'open', NULL, NULL, 'r1', '{}'),
    ('x4', 'promise_at_risk', 'medium', 'A', 'DC', 'O1', '1', NULL, '2024-01-28', 'resolved', NULL, NULL, 'r1', '{}')`);
  await w.run(`INSERT INTO anomalies VALUES
    ('sales_units', 'node', 'ST', '2024-01-29', 9, 2, 0.25, 'up', true, 'r', now()),
    ('returns_units', 'all', 'all', '2024-01-29', 4, 2, 0.19, 'up', false, 'r', now()),
    ('refunds_amount', 'all', 'all', '2024-01-27', 400, 20, 0.99, 'up', true, 'r', now())`);
  return w;
}

function rule(raw: Record<string, unknown>): AlertRule {
  return parseAlertConfig({ rules: [{ id: 'r', role: 'planner', ...raw }] }).rules[0]!;
}

async function keys(w: Warehouse, raw: Record<string, unknown>): Promise<string[]> {
  return (await evaluateRule(w, rule(raw), AS_OF)).map((c) => c.condition_key).sort();
}

describe('alert rules fire at their thresholds and not below', () => {
  it('every rule against the given retailer', async () => {
    const w = await warehouse();
    expect(
      await keys(w, { kind: 'low_stock', params: { cover_days: 3, reorder_days: 7, min_daily: 0.5 } }),
    ).toEqual(['A@ST']);
    // threshold edge: a reorder point of 5 days is not above 5 available, and 5 days of cover is not below 5
    expect(await keys(w, { kind: 'low_stock', params: { cover_days: 5, reorder_days: 5 } })).toEqual([]);
    expect(await keys(w, { kind: 'low_stock', params: { cover_days: 5.5, reorder_days: 5 } })).toEqual([
      'A@ST',
    ]);

    expect(await keys(w, { kind: 'delayed_inbound', params: { slip_days: 3 } })).toEqual([
      'po:PO-LATE',
      'po:PO-SLIP3',
    ]);
    expect(await keys(w, { kind: 'delayed_inbound', params: { slip_days: 2 } })).toEqual([
      'po:PO-LATE',
      'po:PO-SLIP2',
      'po:PO-SLIP3',
    ]);

    expect(await keys(w, { kind: 'fulfilment_backlog', params: { capacity_factor: 1 } })).toEqual(['DC']);
    expect(await keys(w, { kind: 'fulfilment_backlog', params: { capacity_factor: 1.1 } })).toEqual([]);

    const mismatches = await evaluateRule(w, rule({ kind: 'inventory_mismatch' }), AS_OF);
    expect(mismatches.map((c) => [c.sku, c.node_id])).toEqual([['B', 'DC']]);

    expect(await keys(w, { kind: 'allocation_failures', params: { min_open: 2 } })).toEqual(['backorder']);
    expect(await keys(w, { kind: 'allocation_failures', params: { min_open: 1 } })).toEqual([
      'backorder',
      'promise_at_risk',
    ]);

    expect(await keys(w, { kind: 'anomaly', params: { threshold: 0.2 } })).toEqual(['sales_units:node:ST']);
    expect(await keys(w, { kind: 'anomaly', params: { threshold: 0.19 } })).toEqual([
      'returns_units:all:all',
      'sales_units:node:ST',
    ]);
    expect(await keys(w, { kind: 'anomaly', params: { threshold: 0.2, lookback_days: 3 } })).toEqual([
      'refunds_amount:all:all',
      'sales_units:node:ST',
    ]);
  });

  it('every alert states its impact', async () => {
    const w = await warehouse();
    const [low] = await evaluateRule(w, rule({ kind: 'low_stock' }), AS_OF);
    expect(low!.impact).toMatchObject({ available: 5, daily_demand: 1, days_of_cover: 5, reorder_point: 7 });
    const late = await evaluateRule(w, rule({ kind: 'delayed_inbound' }), AS_OF);
    // the open order for A (O1, WEB) waits for the late PO's sku
    expect(late.find((c) => c.condition_key === 'po:PO-LATE')!.impact).toMatchObject({
      open_units: 10,
      days_late: 2,
      orders_exposed: 1,
      channels_exposed: ['WEB'],
    });
    const [backlog] = await evaluateRule(w, rule({ kind: 'fulfilment_backlog' }), AS_OF);
    expect(backlog!.impact).toMatchObject({ backlog_units: 11, capacity_per_day: 10, orders_exposed: 1 });
    const [sales] = await evaluateRule(w, rule({ kind: 'anomaly' }), AS_OF);
    expect(sales!.impact).toMatchObject({ excess_units_per_day: 7, available_units: 13 });
  });

  it('rejects an invalid configuration with the field named', () => {
    expect(() => parseAlertConfig({ rules: [{ id: 'x', kind: 'low_stock', role: 'nobody' }] })).toThrow(
      /rules\.0\.role/,
    );
    expect(() =>
      parseAlertConfig({ rules: [{ id: 'x', kind: 'anomaly', role: 'analyst', params: { threshold: 2 } }] }),
    ).toThrow(/threshold/);
  });
});
