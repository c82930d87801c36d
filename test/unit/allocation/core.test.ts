/** Event ids, explanations and the substitution search, given → expected. */
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/allocation/allocate.ts';
import { decisionEvents, eventId } from '../../../src/allocation/events.ts';
import { OptimalStrategy } from '../../../src/allocation/optimal.ts';
import { findSubstitutes, similarItems } from '../../../src/allocation/substitution.ts';
import type { ItemInfo } from '../../../src/allocation/types.ts';
import { validateEvent } from '../../../src/contracts/index.ts';
import { AS_OF, scenario, TODAY } from './fixtures.ts';

describe('event ids', () => {
  it('count allocations per line and node, continue from the claims, and stay within 128 characters', () => {
    const claims = [
      {
        orderId: 'O1',
        lineId: '1',
        nodeId: 'N1',
        sku: 'A',
        reserved: 0,
        shipped: 0,
        allocatedEvents: 2,
        releasedEvents: 1,
        allocatedDay: TODAY,
      },
    ];
    const events = decisionEvents(
      AS_OF,
      claims,
      [{ orderId: 'O1', lineId: '2', sku: 'B', nodeId: 'N2', qty: 1, reason: 'capacity_reduced' }],
      [
        {
          orderId: 'O1',
          lineId: '1',
          sku: 'A',
          nodeId: 'N1',
          qty: 3,
          unitCost: 1,
          shipmentFee: 2,
          eta: TODAY + 1,
          onTime: true,
        },
        {
          orderId: 'O1',
          lineId: '2',
          sku: 'B',
          nodeId: 'N1',
          qty: 1,
          unitCost: 1,
          shipmentFee: 0,
          eta: TODAY + 1,
          onTime: true,
        },
      ],
    );
    expect(events.map((e) => e.event_id)).toEqual([
      'allocrel-O1-2-N2-1',
      'alloc-O1-1-N1-3',
      'alloc-O1-2-N1-1',
    ]);
    for (const event of events) expect(validateEvent(event).ok).toBe(true);
    const long = eventId('alloc', 'O'.repeat(120), '1', 'N1', 1);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toBe(eventId('alloc', 'O'.repeat(120), '1', 'N1', 1));
  });
});

describe('explanations', () => {
  it('list the candidates with cost and promise, the exclusions, and say why the chosen node won', async () => {
    // O1 (A and B) ships both from N1 (4 + 1 + 1 = 6) rather than A from the cheaper N2 (4 + 0.2) plus B
    // from N1 (4 + 1) = 9.2.
    const result = await allocate(
      scenario({
        nodes: {
          N1: { lanes: { east: [1, 4, 1] }, stock: { A: 1, B: 1 } },
          N2: { lanes: { east: [1, 4, 0.2] }, stock: { A: 1 } },
          N3: { canShip: false, stock: { A: 5 } },
          N4: { lanes: { west: [1, 1, 1] }, stock: { A: 5 } },
        },
        orders: {
          O1: {
            promise: 2,
            lines: [
              ['A', 1],
              ['B', 1],
            ],
          },
        },
      }),
      { strategy: new OptimalStrategy() },
    );
    const a = result.explanations.find((line) => line.lineId === '1')!;
    expect(a.chosen).toEqual([
      { nodeId: 'N1', qty: 1, unitCost: 1, shipmentFee: 4, eta: TODAY + 1, onTime: true },
    ]);
    expect(
      a.candidates.map((c) => [c.nodeId, c.unitCost, c.shipmentFee, c.onTime, c.availableUnits]),
    ).toEqual([
      ['N2', 0.2, 4, true, 1],
      ['N1', 1, 4, true, 1],
    ]);
    expect(a.excluded).toEqual({ cannot_ship: 1, no_lane: 1 });
    expect(a.reasons.join('\n')).toMatch(/N1 .*ships with 1 other line of the order from there/);
    const b = result.explanations.find((line) => line.lineId === '2')!;
    expect(b.chosen[0]!.shipmentFee).toBe(0);
    expect(b.reasons.join('\n')).toMatch(/joins the order's other lines in one shipment/);
    expect(b.reasons.at(-1)).toMatch(/promise .* met/);
  });
});

describe('substitution search', () => {
  const items: ItemInfo[] = [
    { sku: 'A', category: 'shoes', brand: 'acme', packSize: 1, listPrice: 100 },
    { sku: 'B', category: 'shoes', brand: 'acme', packSize: 1, listPrice: 110 },
    { sku: 'C', category: 'shoes', brand: 'acme', packSize: 1, listPrice: 90 },
    { sku: 'D', category: 'shoes', brand: 'other', packSize: 1, listPrice: 100 },
    { sku: 'E', category: 'shoes', brand: 'acme', packSize: 2, listPrice: 100 },
    { sku: 'F', category: 'hats', brand: 'acme', packSize: 1, listPrice: 100 },
    { sku: 'G', category: 'shoes', brand: 'acme', packSize: 1, listPrice: 120 },
  ];

  it('keeps the same category and attributes at a similar price', () => {
    expect(similarItems('A', items).map((item) => item.sku)).toEqual(['B', 'C']);
    expect(
      similarItems('A', items, { maxPriceDelta: 0.25, sameBrand: false, maxOffers: 3 }).map((i) => i.sku),
    ).toEqual(['B', 'C', 'D', 'G']);
  });

  it('offers only substitutes an eligible node can deliver within the promise, closest price first', () => {
    const input = scenario({
      nodes: {
        N1: { lanes: { east: [1, 2, 1] }, stock: { B: 2, C: 5 } },
        N2: { lanes: { east: [5, 1, 1] }, stock: { B: 9 } },
      },
      orders: { O1: { promise: 2, lines: [['A', 2]] } },
    });
    const offers = findSubstitutes([{ orderId: 'O1', lineId: '1', sku: 'A', qty: 2 }], {
      day: TODAY,
      items,
      nodes: input.nodes,
      lanes: input.lanes,
      channels: input.channels,
      positions: input.positions,
      allocations: [],
      capacityUsed: new Map(),
      orders: new Map(input.orders.map((order) => [order.orderId, order])),
    });
    // B and C are both 10% off the price; B sorts first by cost tie → sku. N2's B arrives too late.
    expect(offers.get('O1\u00001')!.map((offer) => [offer.sku, offer.nodeId, offer.availableUnits])).toEqual([
      ['B', 'N1', 2],
      ['C', 'N1', 5],
    ]);
  });
});
