/**
 * The look-ahead (src/allocation/lookahead.ts, demand.ts): reservation values given → expected (hand
 * computed), their effect on the allocator and its explanations, the demand outlook, and the transportation
 * duals against HiGHS on random instances.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/lib/rng.ts';
import { allocate } from '../../../src/allocation/allocate.ts';
import { demandOutlook } from '../../../src/allocation/demand.ts';
import { solver } from '../../../src/allocation/highs.ts';
import {
  type DemandRate,
  type Lookahead,
  poissonScenarios,
  transportationDuals,
} from '../../../src/allocation/lookahead.ts';
import type { AllocationInput, ChannelInfo } from '../../../src/allocation/types.ts';
import { type OrderSpec, scenario } from './fixtures.ts';

/**
 * CHEAP (a DC: fee 3, unit 1; east next day, west in 3 days) and DEAR (a store: fee 5, unit 2; east in 2
 * days, west next day). One current order of one unit of A to east.
 */
function network(cheapStock: number, order: OrderSpec, channels?: ChannelInfo[]): AllocationInput {
  return scenario({
    nodes: {
      CHEAP: { lanes: { east: [1, 3, 1], west: [3, 3, 1] }, stock: { A: cheapStock } },
      DEAR: { lanes: { east: [2, 5, 2], west: [1, 5, 2] }, stock: { A: 10 } },
    },
    ...(channels ? { channels } : {}),
    orders: { O1: order },
  });
}

/** Settings that keep the numbers hand-computable: one scenario, fees spread over one unit. */
const SETTINGS = { scenarios: 1, unitsPerShipment: 1, shortageCost: 20, lateCost: 5 };

function lookahead(demand: Omit<DemandRate, 'sku'>[], inboundDays?: number): Lookahead {
  return {
    demand: demand.map((rate) => ({ sku: 'A', ...rate })),
    nextInboundDays: inboundDays === undefined ? undefined : new Map([['A', inboundDays]]),
    settings: SETTINGS,
  };
}

/** Expected: express orders to east promised the next day — only CHEAP is on time for them. */
const expressEast = { channelId: 'web', region: 'east', promiseDays: 1, unitsPerDay: 1 };
const standard = { lines: [['A', 1]] as [string, number][], promise: 3 };

describe('look-ahead: reservation values', () => {
  it('keeps a scarce cheap unit for the expected order that has no other on-time option', async () => {
    // Horizon: the next inbound, in 1 day → 1 express unit to east expected. Routed: CHEAP 3 + 1 = 4 on
    // time; without CHEAP's unit, DEAR 5 + 2 = 7 plus 5 for being late = 12 (< 20 short). Value 12 − 4 = 8.
    const result = await allocate({ ...network(1, standard), lookahead: lookahead([expressEast], 1) });
    // The current standard order (on time from both): CHEAP 4 + 8 = 12 against DEAR 7 → DEAR.
    expect(result.allocations.map((a) => `${a.nodeId}×${a.qty}`)).toEqual(['DEAR×1']);
    const explanation = result.explanations[0]!;
    expect(explanation.candidates.find((c) => c.nodeId === 'CHEAP')!.reservationValue).toBeCloseTo(8, 9);
    expect(explanation.candidates.find((c) => c.nodeId === 'DEAR')!.reservationValue).toBe(0);
    expect(explanation.reasons.join(' | ')).toContain(
      'cheaper CHEAP is kept for expected demand: reservation value $8.00 per unit (1.0 units of the sku expected within 1.0 days, 1 here)',
    );
    // The cost reported is the real one: the reservation value weighs the decision, it is not money spent.
    expect(result.stats.cost).toBe(7);
  });

  it('gives the scarce unit to a current order that needs it to be on time', async () => {
    const result = await allocate({
      ...network(1, { lines: [['A', 1]], promise: 1, service: 'express' }),
      lookahead: lookahead([expressEast], 1),
    });
    expect(result.allocations.map((a) => `${a.nodeId}×${a.qty}`)).toEqual(['CHEAP×1']);
    expect(result.stats.unitsOnTime).toBe(1);
  });

  it('lets an order use the cheap node when its stock covers the expected demand', async () => {
    // 5 units against 1 expected: nothing to protect.
    let result = await allocate({ ...network(5, standard), lookahead: lookahead([expressEast], 1) });
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['CHEAP']);
    expect(result.explanations[0]!.reasons.join(' ')).not.toContain('reservation value');
    // 1 unit, but the next delivery comes in half a day: 0.5 units expected before it.
    result = await allocate({ ...network(1, standard), lookahead: lookahead([expressEast], 0.5) });
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['CHEAP']);
    // Expected express orders to west are on time only from DEAR (7; CHEAP late: 4 + 5 = 9): CHEAP's unit
    // is not what they need.
    result = await allocate({
      ...network(1, standard),
      lookahead: lookahead([{ ...expressEast, region: 'west' }], 1),
    });
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['CHEAP']);
    expect(result.explanations[0]!.candidates.every((c) => c.reservationValue === 0)).toBe(true);
  });

  it('values a unit at what the expected demand loses without it: a shortage when nothing else serves it', async () => {
    // A marketplace limited to CHEAP: 1 unit expected to east; without CHEAP's unit it goes short (20).
    // Value 20 − 4 = 16.
    const channels: ChannelInfo[] = [
      { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
      { channelId: 'marketplace', nodeIds: ['CHEAP'], bufferUnits: 0, bufferPct: 0 },
    ];
    const marketplace = { channelId: 'marketplace', region: 'east', promiseDays: 3, unitsPerDay: 1 };
    const result = await allocate({
      ...network(1, standard, channels),
      lookahead: lookahead([marketplace], 1),
    });
    expect(
      result.explanations[0]!.candidates.find((c) => c.nodeId === 'CHEAP')!.reservationValue,
    ).toBeCloseTo(16, 9);
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['DEAR']);
  });

  it('sees a channel buffer: the last units of its nodes do not serve the buffered channel', async () => {
    // Marketplace limited to CHEAP with a 2-unit buffer: 3 units at CHEAP leave it 1. With 1.5 marketplace
    // units expected, CHEAP is scarce for it (as if CHEAP held 1); without the buffer, 3 cover 1.5.
    const channels = (bufferUnits: number): ChannelInfo[] => [
      { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
      { channelId: 'marketplace', nodeIds: ['CHEAP'], bufferUnits, bufferPct: 0 },
    ];
    const marketplace = [{ channelId: 'marketplace', region: 'east', promiseDays: 3, unitsPerDay: 1.5 }];
    let result = await allocate({
      ...network(3, standard, channels(2)),
      lookahead: lookahead(marketplace, 1),
    });
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['DEAR']);
    result = await allocate({ ...network(3, standard, channels(0)), lookahead: lookahead(marketplace, 1) });
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['CHEAP']);
  });

  it('changes nothing without a look-ahead', async () => {
    const result = await allocate(network(1, standard));
    expect(result.allocations.map((a) => a.nodeId)).toEqual(['CHEAP']);
    expect(result.explanations[0]!.candidates.every((c) => c.reservationValue === 0)).toBe(true);
  });
});

describe('demand outlook', () => {
  const history = {
    days: 2,
    skuUnits: new Map([
      ['A', 10],
      ['B', 2],
    ]),
    mix: [
      { channelId: 'web', region: 'east', promiseDays: 3, units: 6 },
      { channelId: 'web', region: 'west', promiseDays: 1, units: 2 },
      { channelId: 'marketplace', region: 'east', promiseDays: 3, units: 4 },
    ],
  };
  const rates = (list: DemandRate[]) =>
    Object.fromEntries(
      list.map((r) => [
        `${r.sku}/${r.channelId}/${r.region}/${r.promiseDays}`,
        Number(r.unitsPerDay.toFixed(4)),
      ]),
    );

  it('spreads each sku’s recent rate over the pooled mix of channels, regions and promises', () => {
    // A: 10 units / 2 days = 5 a day; web 8/12 of the mix (east 6/8, west 2/8), marketplace 4/12.
    expect(rates(demandOutlook(history, [], ['A']))).toEqual({
      'A/web/east/3': 2.5,
      'A/web/west/1': 0.8333,
      'A/marketplace/east/3': 1.6667,
    });
  });

  it('prefers forecasts: per channel where there is one, else the total split by the mix', () => {
    const forecasts = [
      { sku: 'B', channelId: 'web', unitsPerDay: 1 },
      { sku: 'C', channelId: null, unitsPerDay: 3 },
    ];
    expect(rates(demandOutlook(history, forecasts, ['B', 'C']))).toEqual({
      // B: web from its forecast (1 a day, east 3/4, west 1/4); marketplace from history (1 a day × 4/12).
      'B/web/east/3': 0.75,
      'B/web/west/1': 0.25,
      'B/marketplace/east/3': 0.3333,
      // C: no history, a total forecast of 3 a day split 8/12 and 4/12.
      'C/web/east/3': 1.5,
      'C/web/west/1': 0.5,
      'C/marketplace/east/3': 1,
    });
  });

  it('is empty without history (no mix to route demand by)', () => {
    expect(
      demandOutlook({ days: 1, skuUnits: new Map(), mix: [] }, [
        { sku: 'A', channelId: null, unitsPerDay: 2 },
      ]),
    ).toEqual([]);
  });
});

describe('transportation duals', () => {
  it('are the left derivatives of the optimal cost in each stock (HiGHS, finite differences), every scenario', async () => {
    const highs = await solver();
    const rng = seededRandom(11);
    const SHORTAGE = 10;
    /** Optimal cost of the transportation problem with shortage, by HiGHS. */
    const optimum = (stock: number[], demand: number[], cost: number[][]): number => {
      const cols: { i: number; j: number; c: number }[] = [];
      cost.forEach((row, i) => {
        row.forEach((c, j) => {
          if (Number.isFinite(c)) cols.push({ i, j, c });
        });
      });
      demand.forEach((_, j) => {
        cols.push({ i: -1, j, c: SHORTAGE });
      });
      const rows: number[][] = [...demand.map(() => []), ...stock.map(() => [])];
      cols.forEach((col, x) => {
        rows[col.j]!.push(x);
        if (col.i >= 0) rows[demand.length + col.i]!.push(x);
      });
      const starts = [0];
      const indices: number[] = [];
      for (const row of rows) {
        indices.push(...row);
        starts.push(indices.length);
      }
      const model = highs.createModel({
        numCols: cols.length,
        numRows: rows.length,
        colCost: cols.map((col) => col.c),
        colLower: cols.map(() => 0),
        colUpper: cols.map(() => highs.infinity),
        rowLower: [...demand, ...stock.map(() => -highs.infinity)],
        rowUpper: [...demand, ...stock],
        matrix: {
          format: 'csr',
          numRows: rows.length,
          numCols: cols.length,
          starts,
          indices,
          values: indices.map(() => 1),
        },
      });
      try {
        model.options.set({ output_flag: false });
        model.run();
        return model.getObjectiveValue();
      } finally {
        model.dispose();
      }
    };
    for (let t = 0; t < 60; t++) {
      const m = 1 + Math.floor(rng() * 5);
      const k = 1 + Math.floor(rng() * 6);
      const stock = Array.from({ length: m }, () => 0.5 + Math.floor(rng() * 8));
      const demand = Array.from({ length: k }, () => rng() * 6);
      const cost = stock.map(() =>
        demand.map(() => (rng() < 0.2 ? Number.POSITIVE_INFINITY : 1 + rng() * 8)),
      );
      const scales = [0.5, 1, 1.7];
      const duals = transportationDuals(stock, demand, cost, SHORTAGE, scales);
      scales.forEach((scale, s) => {
        const scaled = demand.map((d) => d * scale);
        const base = optimum(stock, scaled, cost);
        for (let i = 0; i < m; i++) {
          const h = 1e-4;
          const less = stock.map((value, j) => (j === i ? value - h : value));
          expect(duals[s]![i]).toBeCloseTo((optimum(less, scaled, cost) - base) / h, 3);
        }
      });
    }
  });

  it('scenarios are equally likely Poisson quantiles around the mean', () => {
    expect(poissonScenarios(4, 1)).toEqual([1]);
    const five = poissonScenarios(100, 5);
    expect(five).toHaveLength(5);
    // Symmetric around 1 (normal approximation), spread ±1.28 sd at the outer ones (sd = 10 for mean 100).
    expect(five[2]).toBeCloseTo(1, 9);
    expect(five[0]! + five[4]!).toBeCloseTo(2, 9);
    expect(five[4]!).toBeCloseTo(1 + (10 * 1.2815515655446004) / 100, 6);
  });
});
