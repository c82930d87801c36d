/**
 * The acceptance cases, given → expected, each hand-computed (the arithmetic is in the comments).
 * Costs: a shipment pays lane.cost_per_order once per (order, node); a unit pays lane.cost_per_unit +
 * node.pick_cost. Every case runs through the exact solver and the greedy, which agree on these.
 */
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../src/allocation/allocate.ts';
import { GreedyStrategy } from '../../../src/allocation/greedy.ts';
import { OptimalStrategy } from '../../../src/allocation/optimal.ts';
import type { AllocationStrategy } from '../../../src/allocation/strategy.ts';
import { picks, scenario, TODAY } from './fixtures.ts';

const STRATEGIES: [string, () => AllocationStrategy][] = [
  ['optimal', () => new OptimalStrategy()],
  ['greedy', () => new GreedyStrategy()],
];

describe.each(STRATEGIES)('acceptance (%s)', (_name, make) => {
  const run = (input: Parameters<typeof allocate>[0]) => allocate(input, { strategy: make() });

  it('splits an order when two cheap shipments beat one dear one', async () => {
    // N1 ships both lines: 4 + 1 + 1 = 6. A from N2 and B from N3: (1 + 0.5) + (1 + 0.5) = 3.
    const result = await run(
      scenario({
        nodes: {
          N1: { lanes: { east: [1, 4, 1] }, stock: { A: 1, B: 1 } },
          N2: { lanes: { east: [1, 1, 0.5] }, stock: { A: 1 } },
          N3: { lanes: { east: [1, 1, 0.5] }, stock: { B: 1 } },
        },
        orders: {
          O1: {
            lines: [
              ['A', 1],
              ['B', 1],
            ],
          },
        },
      }),
    );
    expect(picks(result)).toEqual(['O1/1@N2x1', 'O1/2@N3x1']);
    expect(result.stats.cost).toBe(3);
    expect(result.stats.splitOrders).toBe(1);
  });

  it('ships in one shipment when a second fee outweighs cheaper units', async () => {
    // Per line cheapest: A from N2 (3 + 0.1) and B from N1 (3 + 1) = 7.1. Both from N1: 3 + 1 + 1 = 5.
    const result = await run(
      scenario({
        nodes: {
          N1: { lanes: { east: [1, 3, 1] }, stock: { A: 1, B: 1 } },
          N2: { lanes: { east: [1, 3, 0.1] }, stock: { A: 1 } },
        },
        orders: {
          O1: {
            lines: [
              ['A', 1],
              ['B', 1],
            ],
          },
        },
      }),
    );
    expect(picks(result)).toEqual(['O1/1@N1x1', 'O1/2@N1x1']);
    expect(result.stats.cost).toBe(5);
    expect(result.stats.splitOrders).toBe(0);
  });

  it('takes a dearer node to meet the promise', async () => {
    // N1: 4 days, 2 + 2 × 0.5 = 3. N2: 1 day, 6 + 2 × 1 = 8. Promise in 2 days: only N2 is on time.
    const nodes = {
      N1: { lanes: { east: [4, 2, 0.5] as [number, number, number] }, stock: { A: 5 } },
      N2: { lanes: { east: [1, 6, 1] as [number, number, number] }, stock: { A: 5 } },
    };
    const promised = await run(scenario({ nodes, orders: { O1: { promise: 2, lines: [['A', 2]] } } }));
    expect(picks(promised)).toEqual(['O1/1@N2x2']);
    expect(promised.stats.cost).toBe(8);
    expect(promised.stats.unitsOnTime).toBe(2);
    expect(promised.exceptions).toEqual([]);
    // Without a promise the cheap slow node wins.
    const any = await run(scenario({ nodes, orders: { O1: { lines: [['A', 2]] } } }));
    expect(picks(any)).toEqual(['O1/1@N1x2']);
    expect(any.stats.cost).toBe(3);
  });

  it('allocates from the best node anyway and opens promise_at_risk when no node can meet the promise', async () => {
    // Promise today: N1 arrives in 4 days, N2 in 1 — both late; the cheaper N1 (3) wins over N2 (8).
    const result = await run(
      scenario({
        nodes: {
          N1: { lanes: { east: [4, 2, 0.5] }, stock: { A: 5 } },
          N2: { lanes: { east: [1, 6, 1] }, stock: { A: 5 } },
        },
        orders: { O1: { promise: 0, service: 'express', lines: [['A', 2]] } },
      }),
    );
    expect(picks(result)).toEqual(['O1/1@N1x2']);
    expect(result.stats.unitsOnTime).toBe(0);
    expect(result.exceptions.map((e) => [e.exceptionType, e.exceptionId, e.severity, e.nodeId])).toEqual([
      ['promise_at_risk', 'promise_at_risk:O1:1', 'high', 'N1'],
    ]);
    expect(result.explanations[0]!.outcome).toBe('late');
    expect(result.needsSubstitute).toEqual([{ orderId: 'O1', lineId: '1', sku: 'A', qty: 2 }]);
  });

  it('uses a second node when the first runs out of ship capacity for the day', async () => {
    // N1 ships 5 a day and already has 2 allocated today: 3 left. 3 from N1 (2 + 3 × 1) and 2 from N2
    // (2 + 2 × 3) = 13; all 5 from N2 would be 2 + 15 = 17.
    const result = await run(
      scenario({
        nodes: {
          N1: { capacity: 5, lanes: { east: [1, 2, 1] }, stock: { A: 10, Z: 2 } },
          N2: { lanes: { east: [1, 2, 3] }, stock: { A: 10 } },
        },
        claims: [{ orderId: 'EARLIER', nodeId: 'N1', sku: 'Z', reserved: 2, allocatedDay: TODAY }],
        orders: { O1: { lines: [['A', 5]] } },
      }),
    );
    expect(picks(result)).toEqual(['O1/1@N1x3', 'O1/1@N2x2']);
    expect(result.stats.cost).toBe(13);
  });

  it('gives scarce stock to the earlier order (FIFO), even when the later one has a tighter promise', async () => {
    // 3 units: O1 (placed first) takes 2, O2 gets the last 1 and is backordered for 1.
    const result = await run(
      scenario({
        nodes: { N1: { lanes: { east: [1, 1, 1] }, stock: { A: 3 } } },
        orders: { O1: { lines: [['A', 2]] }, O2: { promise: 1, lines: [['A', 2]] } },
      }),
    );
    expect(picks(result)).toEqual(['O1/1@N1x2', 'O2/1@N1x1']);
    expect(result.stats.unitsBackordered).toBe(1);
    const backorder = result.exceptions.find((e) => e.exceptionType === 'backorder')!;
    expect(backorder).toMatchObject({ exceptionId: 'backorder:O2:1', orderId: 'O2', sku: 'A' });
    expect(backorder.detail).toMatchObject({ open_units: 2, allocated_units: 1, backordered_units: 1 });
  });

  it('allocates pickup orders only at the pickup node, at its pick cost, never shipped from elsewhere', async () => {
    // ST1 picks at 0.8/unit, no shipment fee. The DC is cheaper to ship from but not where the customer is.
    const nodes = {
      ST1: { canShip: false, canPickup: true, pickCost: 0.8, stock: { A: 2 } },
      DC: { lanes: { east: [1, 0.5, 0.1] as [number, number, number] }, stock: { A: 10 } },
    };
    const result = await run(
      scenario({
        nodes,
        orders: { P1: { pickup: 'ST1', lines: [['A', 1]] }, P2: { pickup: 'ST1', lines: [['A', 3]] } },
      }),
    );
    // P1 takes 1 (cost 0.8); P2 gets the last 1 (0.8) and 2 are backordered — not taken from DC.
    expect(picks(result)).toEqual(['P1/1@ST1x1', 'P2/1@ST1x1']);
    expect(result.stats.cost).toBe(1.6);
    expect(result.stats.unitsBackordered).toBe(2);
  });

  it('respects channel buffers (units, then percent of the rest, rounded down)', async () => {
    // Marketplace sees N1 + N2 = 3 + 2 = 5 units minus a buffer of 2 = 3: its order for 4 gets 3.
    // The web channel (no buffer, placed later) still gets the other 2.
    const result = await run(
      scenario({
        nodes: {
          N1: { lanes: { east: [1, 1, 1] }, stock: { A: 3 } },
          N2: { lanes: { east: [1, 1, 1] }, stock: { A: 2 } },
        },
        channels: [
          { channelId: 'mkt', nodeIds: ['N1', 'N2'], bufferUnits: 2, bufferPct: 0 },
          { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
        ],
        orders: { M1: { channel: 'mkt', lines: [['A', 4]] }, W1: { channel: 'web', lines: [['A', 2]] } },
      }),
    );
    const units = (orderId: string) =>
      result.allocations.filter((a) => a.orderId === orderId).reduce((sum, a) => sum + a.qty, 0);
    expect(units('M1')).toBe(3);
    expect(units('W1')).toBe(2);
    const m1 = result.explanations.find((line) => line.orderId === 'M1')!;
    expect(m1.reasons.join(' ')).toMatch(/channel buffer/);
    // buffer_pct: 5 units, 50% → floor(2.5) = 2 held back → 3 sellable to the channel.
    const pct = await run(
      scenario({
        nodes: { N1: { lanes: { east: [1, 1, 1] }, stock: { A: 5 } } },
        channels: [{ channelId: 'mkt', nodeIds: null, bufferUnits: 0, bufferPct: 50 }],
        orders: { M1: { channel: 'mkt', lines: [['A', 5]] } },
      }),
    );
    expect(picks(pct)).toEqual(['M1/1@N1x3']);
  });

  it('re-routes the reservations of a node that stopped shipping', async () => {
    // O1 holds 2 units at N1, which no longer ships: release them and allocate from N2 (2 + 2 × 1 = 4).
    const result = await run(
      scenario({
        nodes: {
          N1: { canShip: false, lanes: { east: [1, 1, 0.5] }, stock: { A: 2 } },
          N2: { lanes: { east: [1, 2, 1] }, stock: { A: 5 } },
        },
        claims: [
          { orderId: 'O1', lineId: '1', nodeId: 'N1', sku: 'A', reserved: 2, allocatedDay: TODAY - 1 },
        ],
        orders: { O1: { lines: [['A', 2, 0]] } },
      }),
    );
    expect(result.releases).toEqual([
      { orderId: 'O1', lineId: '1', sku: 'A', nodeId: 'N1', qty: 2, reason: 'node_stopped_shipping' },
    ]);
    expect(picks(result)).toEqual(['O1/1@N2x2']);
    expect(result.disruption).toMatchObject({
      releasedUnits: 2,
      releasedLines: 1,
      reallocatedOnTime: 2,
      backordered: 0,
      costBefore: 2, // 1 fee + 2 × 0.5 at N1
      costAfter: 4,
    });
  });

  it('leaves a claim another system made at a node that does not ship for us (a marketplace fulfilling it)', async () => {
    // FBA: Amazon allocated O1 at its own node (can_ship false for our channels). Re-routing it to N2 would
    // book the units twice; O2, our own claim at a node that stopped shipping, is still re-routed.
    const result = await run(
      scenario({
        nodes: {
          FBA: { canShip: false, stock: { A: 5 } },
          N1: { canShip: false, lanes: { east: [1, 1, 0.5] }, stock: { A: 2 } },
          N2: { lanes: { east: [1, 2, 1] }, stock: { A: 5 } },
        },
        claims: [
          { orderId: 'O1', lineId: '1', nodeId: 'FBA', sku: 'A', reserved: 2, external: true },
          { orderId: 'O2', lineId: '1', nodeId: 'N1', sku: 'A', reserved: 1, external: false },
        ],
        orders: { O1: { lines: [['A', 2, 0]] }, O2: { lines: [['A', 1, 0]] } },
      }),
    );
    expect(result.releases).toEqual([
      { orderId: 'O2', lineId: '1', sku: 'A', nodeId: 'N1', qty: 1, reason: 'node_stopped_shipping' },
    ]);
    expect(picks(result)).toEqual(['O2/1@N2x1']);
  });

  it('releases the latest orders first when a node’s capacity drops below what is allocated today', async () => {
    // N1 now ships 3 a day but has 4 allocated today (O1: 2, O2: 2): O2 (later) gives back 1, which N2 ships.
    const result = await run(
      scenario({
        nodes: {
          N1: { capacity: 3, lanes: { east: [1, 1, 1] }, stock: { A: 10 } },
          N2: { lanes: { east: [1, 1, 2] }, stock: { A: 10 } },
        },
        claims: [
          { orderId: 'O1', lineId: '1', nodeId: 'N1', sku: 'A', reserved: 2, allocatedDay: TODAY },
          { orderId: 'O2', lineId: '1', nodeId: 'N1', sku: 'A', reserved: 2, allocatedDay: TODAY },
        ],
        orders: { O1: { lines: [['A', 2, 0]] }, O2: { lines: [['A', 2, 0]] } },
      }),
    );
    expect(result.releases).toEqual([
      { orderId: 'O2', lineId: '1', sku: 'A', nodeId: 'N1', qty: 1, reason: 'capacity_reduced' },
    ]);
    expect(picks(result)).toEqual(['O2/1@N2x1']);
    expect(result.disruption.reallocatedOnTime).toBe(1);
  });

  it('does not allocate orders on a fulfilment hold', async () => {
    const result = await run(
      scenario({
        nodes: { N1: { lanes: { east: [1, 1, 1] }, stock: { A: 1 } } },
        orders: { HELD: { hold: true, lines: [['A', 1]] }, O2: { lines: [['A', 1]] } },
      }),
    );
    expect(picks(result)).toEqual(['O2/1@N1x1']);
    const held = result.explanations.find((line) => line.orderId === 'HELD')!;
    expect(held.outcome).toBe('held');
    expect(result.stats.heldLines).toBe(1);
    expect(result.exceptions).toEqual([]);
  });
});

describe('re-routing earlier lines (exact solver only)', () => {
  it('moves an earlier order to another node so a later one can be served too', async () => {
    // One unit at N1 (cheap) and one at N2. O1 may use either; O2 (shop channel) only N1.
    // FIFO keeps O1 served; re-routing O1 to N2 serves O2 as well: 2 units instead of 1.
    const input = scenario({
      nodes: {
        N1: { lanes: { east: [1, 1, 1] }, stock: { A: 1 } },
        N2: { lanes: { east: [1, 1, 2] }, stock: { A: 1 } },
      },
      channels: [
        { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
        { channelId: 'shop', nodeIds: ['N1'], bufferUnits: 0, bufferPct: 0 },
      ],
      orders: { O1: { lines: [['A', 1]] }, O2: { channel: 'shop', lines: [['A', 1]] } },
    });
    const optimal = await allocate(input, { strategy: new OptimalStrategy() });
    expect(picks(optimal)).toEqual(['O1/1@N2x1', 'O2/1@N1x1']);
    // The greedy decides O1 alone (cheapest: N1) and leaves O2 short — still FIFO, one unit less.
    const greedy = await allocate(input, { strategy: new GreedyStrategy() });
    expect(picks(greedy)).toEqual(['O1/1@N1x1']);
    const o2 = greedy.explanations.find((line) => line.orderId === 'O2')!;
    expect(o2.outcome).toBe('backordered');
    expect(o2.reasons[0]).toMatch(/earlier orders/);
  });
});
