/**
 * The look-ahead in the allocation service, on real DuckDB files: the demand history, forecasts and next
 * inbound read from the warehouse (sql/allocation/demand_*.sql, next_inbound.sql) decide whether a scarce
 * cheap node is kept for the demand still to come. Given events → expected allocations, hand-computed.
 */
import { describe, expect, it } from 'vitest';
import { runAllocation } from '../../src/allocation/service.ts';
import { isReject, stageItem } from '../../src/ingest/stage.ts';
import { EventLander, type StagedEvent, toColumns } from '../../src/warehouse/landing.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();
let counter = 0;

async function land(warehouse: Warehouse, ...events: Record<string, unknown>[]): Promise<void> {
  const staged = events.map((event) =>
    stageItem({ raw: JSON.stringify({ event_id: `e${++counter}`, ...event }) }),
  );
  const bad = staged.find(isReject);
  if (bad) throw new Error(`fixture event invalid: ${JSON.stringify(bad.errors)}`);
  await new EventLander(warehouse).land(
    { kind: 'file', name: 'given' },
    [toColumns(staged as StagedEvent[])],
    [],
  );
}

/** 2025-03-`day` at `time` (UTC). */
const at = (day: number, time: string) => `2025-03-${String(day).padStart(2, '0')}T${time}:00Z`;

/**
 * CHEAP (next day, 2 per shipment + 1 per unit) and DEAR (next day, 3 + 2), both to east; the marketplace
 * may ship only from CHEAP. CHEAP holds `cheapStock` units of A, DEAR 10.
 */
async function world(warehouse: Warehouse, cheapStock: number): Promise<void> {
  const node = (node_id: string) => ({
    type: 'node_upserted',
    occurred_at: at(1, '06:00'),
    node_id,
    name: node_id,
    node_type: 'dc',
    region: 'east',
    can_ship: true,
    can_pickup: false,
  });
  const lane = (node_id: string, cost_per_order: number, cost_per_unit: number) => ({
    type: 'lane_upserted',
    occurred_at: at(1, '06:00'),
    node_id,
    region: 'east',
    transit_days: 1,
    cost_per_order,
    cost_per_unit,
  });
  const channel = (channel_id: string, channel_type: string, fields: Record<string, unknown> = {}) => ({
    type: 'channel_upserted',
    occurred_at: at(1, '06:00'),
    channel_id,
    name: channel_id,
    channel_type,
    ...fields,
  });
  const receipt = (node_id: string, qty: number) => ({
    type: 'receipt',
    occurred_at: at(9, '07:00'),
    node_id,
    sku: 'A',
    qty,
    unit_cost: 5,
  });
  await land(
    warehouse,
    node('CHEAP'),
    node('DEAR'),
    lane('CHEAP', 2, 1),
    lane('DEAR', 3, 2),
    channel('web', 'web'),
    channel('marketplace', 'marketplace', { node_ids: ['CHEAP'] }),
    receipt('CHEAP', cheapStock),
    receipt('DEAR', 10),
  );
}

const order = (order_id: string, placed: string, channel_id: string) => ({
  type: 'order_placed',
  occurred_at: placed,
  order_id,
  channel_id,
  ship_to_region: 'east',
  service_level: 'standard',
  lines: [{ line_id: '1', sku: 'A', qty: 1, unit_price: 20 }],
});

/**
 * One marketplace order of one A a day on March `from`…8, each cancelled (demand that needs no stock now),
 * then the current web order W1 for one A on March 10 at 09:00.
 */
async function history(warehouse: Warehouse, from: number): Promise<void> {
  const events: Record<string, unknown>[] = [];
  for (let day = from; day <= 8; day++) {
    events.push(order(`M${day}`, at(day, '09:00'), 'marketplace'), {
      type: 'order_cancelled',
      occurred_at: at(day, '09:05'),
      order_id: `M${day}`,
    });
  }
  await land(warehouse, ...events, order('W1', at(10, '09:00'), 'web'));
}

const chosen = (report: Awaited<ReturnType<typeof runAllocation>>) =>
  report.events.filter((e) => e.type === 'allocated').map((e) => `${e.order_id}@${e.node_id}×${e.qty}`);

describe('allocation service look-ahead', () => {
  it('keeps a scarce cheap node for the expected demand only it can serve, and says so', async () => {
    const warehouse = await tmp.open();
    await world(warehouse, 1);
    await history(warehouse, 1);
    // History: 9 orders of one A each from March 1 09:00 to March 10 09:00 = 9 days → 1 A a day; the mix
    // is 8/9 marketplace. No inbound known → a 7-day horizon: 7 A expected, 6.2 through the marketplace,
    // which only CHEAP may serve, with 1 unit. Shipments carry 1 unit on average, so a unit from CHEAP costs
    // 2 + 1 = 3; unserved, 10 (the default shortage cost): CHEAP's unit is worth 10 − 3 = 7 in every
    // scenario (the lowest, 6.2 × (1 − 1.28 / √7) ≈ 3.2 units, still exceeds it).
    // W1: CHEAP 3 + 7 = 10 against DEAR 3 + 2 = 5 → DEAR.
    const report = await runAllocation(warehouse);
    expect(chosen(report)).toEqual(['W1@DEAR×1']);
    const explanation = report.result!.explanations.find((e) => e.orderId === 'W1')!;
    expect(explanation.candidates.find((c) => c.nodeId === 'CHEAP')!.reservationValue).toBeCloseTo(7, 9);
    expect(explanation.candidates.find((c) => c.nodeId === 'DEAR')!.reservationValue).toBe(0);
    expect(explanation.reasons.join(' | ')).toContain(
      'cheaper CHEAP is kept for expected demand: reservation value $7.00 per unit (7.0 units of the sku expected within 7.0 days, 1 here)',
    );
    // The cost reported is what W1's shipment costs, not the reservation value.
    expect(report.result!.stats.cost).toBe(5);
  });

  it('is myopic when told to be: the same warehouse sends W1 to CHEAP', async () => {
    const warehouse = await tmp.open();
    await world(warehouse, 1);
    await history(warehouse, 1);
    const report = await runAllocation(warehouse, { lookahead: false });
    expect(chosen(report)).toEqual(['W1@CHEAP×1']);
    expect(report.result!.stats.cost).toBe(3);
  });

  it('has no look-ahead with under a week of orders and no forecasts', async () => {
    const warehouse = await tmp.open();
    await world(warehouse, 1);
    // March 5 09:00 → March 10 09:00: 5 days of history (< 7), no forecast run.
    await history(warehouse, 5);
    const report = await runAllocation(warehouse);
    expect(chosen(report)).toEqual(['W1@CHEAP×1']);
    const explanation = report.result!.explanations.find((e) => e.orderId === 'W1')!;
    expect(explanation.candidates.every((c) => c.reservationValue === 0)).toBe(true);
    expect(explanation.reasons.join(' ')).not.toContain('expected demand');
  });

  it('keeps nothing when the cheap stock covers the expected demand', async () => {
    const warehouse = await tmp.open();
    // 10 units at CHEAP against 6.2 marketplace units expected (at most 6.2 × (1 + 1.28 / √7) ≈ 9.2 in the
    // highest scenario): W1 takes CHEAP.
    await world(warehouse, 10);
    await history(warehouse, 1);
    const report = await runAllocation(warehouse);
    expect(chosen(report)).toEqual(['W1@CHEAP×1']);
  });

  it('looks ahead only until stock next arrives: a purchase order due within the hour frees CHEAP', async () => {
    const warehouse = await tmp.open();
    await world(warehouse, 1);
    await land(
      warehouse,
      {
        type: 'supplier_upserted',
        occurred_at: at(1, '06:00'),
        supplier_id: 'S1',
        name: 'S1',
        lead_time_days: 5,
      },
      {
        type: 'po_created',
        occurred_at: at(5, '06:00'),
        po_id: 'PO1',
        supplier_id: 'S1',
        node_id: 'CHEAP',
        expected_at: at(10, '10:00'),
        lines: [{ line_id: '1', sku: 'A', qty: 20, unit_cost: 5 }],
      },
    );
    await history(warehouse, 1);
    // Horizon 1 hour: 1/24 A expected (0.04 through the marketplace; at most 0.3 in any scenario) < 1.
    const report = await runAllocation(warehouse);
    expect(chosen(report)).toEqual(['W1@CHEAP×1']);
  });
});
