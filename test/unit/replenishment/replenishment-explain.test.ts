/**
 * The plan's texts for people (src/replenishment/explain.ts and the sourcing reason): short, with rounded
 * figures, whole packs, money in dollars — whatever awkward numbers the plan computed — while the plan's
 * lines keep the exact numbers.
 */
import { describe, expect, it } from 'vitest';
import {
  EXPLAIN_COLUMNS,
  explainRows,
  type LineFacts,
  lineWhy,
  recommendationSummary,
  summaryHead,
} from '../../../src/replenishment/explain.ts';
import { buildPlan, type PlanInput, type PlanPosition } from '../../../src/replenishment/plan.ts';
import { parsePolicyConfig } from '../../../src/replenishment/policy/config.ts';
import { chooseSource } from '../../../src/replenishment/policy/transfer.ts';
import { rawNumbers } from '../../helpers/readable.ts';

const facts = (over: Partial<LineFacts> = {}): LineFacts => ({
  sku: 'SKU-1',
  nodeId: 'ST-1',
  kind: 'transfer',
  from: 'DC-1',
  qty: 22,
  packSize: 6,
  moq: 0,
  position: 13.666666666666666,
  available: 11.333333333333334,
  inbound: 2.3333333333333335,
  levels: {
    protectionDays: 17.5,
    z: 1.5547735945968535,
    safetyStock: 15.608823529411763,
    reorderPoint: 35,
    orderUpTo: 36,
  },
  daily: 0.8333333333333334,
  leadDays: 10.523809523809524,
  leadStdDays: 2.6457513110645907,
  reviewDays: 7,
  serviceLevel: 0.9400000000000001,
  abc: 'B',
  xyz: 'Z',
  demandFrom: 'the last 56 days',
  sensed: null,
  reason: 'no node has spare stock that is cheaper and faster than buying',
  stockoutWithout: '2024-05-09',
  stockoutWith: null,
  ...over,
});

describe('a line in words', () => {
  it('rounds every figure and counts packs whole', () => {
    const why = lineWhy(facts());
    expect(why).toBe(
      'SKU-1 at ST-1: stock 14 (11 available + 2 inbound) is below the reorder point 35: 0.8/day over 18 d ' +
        '(lead time 11 ± 3 d + review 7 d) plus 16 safety stock for 94% service (class B/Z, demand from the last 56 days). ' +
        'Moving 22 units from DC-1 (3 packs of 6 + 4 loose) brings it to 36; no node has spare stock that is cheaper ' +
        'and faster than buying. Without it stock runs out on 2024-05-09; with it, not within the horizon.',
    );
  });

  it('reads clean for any awkward input: demand, packs, MOQ, sensing, stockouts', () => {
    const variants: Partial<LineFacts>[] = [
      { kind: 'purchase_order', from: null, qty: 24, packSize: 6, moq: 12 },
      { qty: 5, packSize: 12 },
      { qty: 7, packSize: 1 },
      { daily: 1234.5678, position: 1e6 / 3 },
      { daily: 0, leadStdDays: 0 },
      { sensed: { uplift: 0.6666666666666666, driver: 'promotion' }, daily: 2.0000000000000004 },
      { stockoutWith: '2024-05-20' },
    ];
    for (const variant of variants) {
      const why = lineWhy(facts(variant));
      expect(rawNumbers(why), why).toEqual([]);
      expect(why).not.toMatch(/\d\.\d+ packs/);
    }
    expect(lineWhy(facts({ qty: 5, packSize: 12 }))).toMatch(/\(5 loose \(packs of 12\)\)/);
    expect(lineWhy(facts({ kind: 'purchase_order', qty: 24, moq: 12 }))).toMatch(
      /Buying 24 units \(4 packs of 6, MOQ 12\)/,
    );
    expect(lineWhy(facts({ sensed: { uplift: 0.6666666666666666, driver: 'promotion' } }))).toMatch(
      /Demand sensing: sales run 67% above plan \(promotion\), planned at 0\.8\/day\./,
    );
  });

  it('a transfer to a node no supplier delivers to says so, not "Infinity d"', () => {
    const donor = { nodeId: 'DC-1', spareQty: 100, transitDays: 1, costPerOrder: 5, costPerUnit: 0.25 };
    const [noBuy] = chooseSource(22, { unitCost: 11.866666666666667, leadDays: Number.POSITIVE_INFINITY }, [
      donor,
    ]);
    expect(noBuy!.reason).toBe(
      'freight $10.50 instead of $261.07 to buy, 1 d in transit (no supplier delivers to this node)',
    );
    const [canBuy] = chooseSource(22, { unitCost: 11.866666666666667, leadDays: 10.523809523809524 }, [
      donor,
    ]);
    expect(canBuy!.reason).toBe(
      'freight $10.50 instead of $261.07 to buy, 1 d in transit where buying takes 11 d',
    );
  });
});

/** A DC buying from a supplier, and a store fed by transfers only: demand in thirds, packs of 6. */
function input(): PlanInput {
  const position = (over: Partial<PlanPosition>): PlanPosition => ({
    sku: 'A',
    node_id: 'DC',
    node_type: 'dc',
    region: 'east',
    available: 10,
    in_transit_in: 0,
    on_order: 0,
    unit_cost: 3.3333333333333335,
    list_price: 9.99,
    pack_size: 6,
    moq: 0,
    supplier_id: 'S1',
    nominal_lead_time_days: 7,
    demand_sum: 70,
    demand_sumsq: (70 * 70) / 28 + 40,
    transfer_sum: 0,
    transfer_sumsq: 0,
    customer_sum: 70,
    forecast_mean: null,
    forecast_var: null,
    forecast_days: 0,
    ...over,
  });
  return {
    asOf: new Date('2024-03-01T00:00:00Z'),
    windowDays: 28,
    positions: [
      position({}),
      position({
        sku: 'B',
        demand_sum: 23,
        demand_sumsq: (23 * 23) / 28 + 5,
        customer_sum: 23,
        available: 1,
      }),
      position({ node_id: 'ST', node_type: 'store', available: 1, supplier_id: null, demand_sum: 31 }),
      position({ node_id: 'ST2', node_type: 'store', available: 400, supplier_id: null, demand_sum: 5 }),
    ],
    leadTimes: new Map(),
    lanes: [
      { node_id: 'DC', region: 'east', transit_days: 2, cost_per_order: 4.5, cost_per_unit: 0.15 },
      { node_id: 'ST2', region: 'east', transit_days: 1, cost_per_order: 1.25, cost_per_unit: 0.05 },
    ],
    inbound: new Map(),
    purchaseNodes: new Set(['DC']),
  };
}

describe('a planned recommendation, explained', () => {
  const plan = buildPlan(input(), parsePolicyConfig({}));

  it('plans something to explain, keeping the exact numbers in its lines', () => {
    expect(plan.recommendations.map((r) => r.kind).sort()).toEqual(['purchase_order', 'transfer']);
    const exact = plan.recommendations.flatMap((r) => r.lines).map((l) => l.daily_demand);
    expect(exact.some((d) => !Number.isInteger(d * 10))).toBe(true);
  });

  it('the stored explanation is short and rounded; each line has its why', () => {
    for (const rec of plan.recommendations) {
      expect(rec.explanation.startsWith(summaryHead(rec))).toBe(true);
      expect(rec.explanation).toBe(recommendationSummary(rec));
      expect(rawNumbers(rec.explanation)).toEqual([]);
      expect(rec.explanation.length).toBeLessThan(rec.lines.length === 1 ? 800 : 400);
      for (const line of rec.lines) {
        expect(rawNumbers(line.why)).toEqual([]);
        expect(line.why).not.toMatch(/Infinity/);
      }
    }
    const po = plan.recommendations.find((r) => r.kind === 'purchase_order')!;
    expect(summaryHead(po)).toMatch(
      /^Buy \d+ units of 2 SKUs from supplier S1 for DC, cost \$\d+\.\d\d, arriving about 2024-03-\d\d/,
    );
  });

  it('the table has one rounded row per line, the first to run out first', () => {
    for (const rec of plan.recommendations) {
      const rows = explainRows(rec);
      expect(rows).toHaveLength(rec.lines.length);
      for (const row of rows) {
        expect(Object.keys(row)).toEqual([...EXPLAIN_COLUMNS]);
        expect(rawNumbers(Object.values(row).join(' '))).toEqual([]);
        expect(row.units).toMatch(/^[\d,]+$/);
        expect(row['at risk']).toMatch(/^\$[\d,]+\.\d\d$/);
      }
      const days = rows.map((row) => row['runs out']).filter((day) => day !== '–');
      expect(days).toEqual([...days].sort());
    }
  });
});
