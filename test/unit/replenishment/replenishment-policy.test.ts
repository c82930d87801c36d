import { describe, expect, it } from 'vitest';
import { abcClasses, xyzClass } from '../../../src/replenishment/policy/classify.ts';
import { parsePolicyConfig, serviceLevel } from '../../../src/replenishment/policy/config.ts';
import {
  demandFromForecast,
  demandFromHistory,
  leadTimeEstimate,
  stdOverPeriod,
} from '../../../src/replenishment/policy/demand.ts';
import { computeLevels, orderQuantity, roundOrderQty } from '../../../src/replenishment/policy/levels.ts';
import { normalQuantile } from '../../../src/replenishment/policy/stats.ts';
import { chooseSource } from '../../../src/replenishment/policy/transfer.ts';

const config = parsePolicyConfig({});

describe('replenishment policy: formulas', () => {
  it('z of a service level (standard normal table)', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 8);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('safety stock from demand spread and lead-time spread; reorder point and order-up-to', () => {
    // d = 10/day, daily σ 3 over P = L 7 + R 7 = 14 days → σ_P² = 9 × 14 = 126; σ_L = 2 → d²σ_L² = 400
    // SS = 1.644853627 × √526 = 1.644853627 × 22.934689 = 37.72421; s = ⌈140 + 37.72⌉ = 178; S = ⌈177.72 + 30⌉ = 208
    const levels = computeLevels({
      dailyDemand: 10,
      demandStdOverPeriod: stdOverPeriod(3, 14),
      leadTimeDays: 7,
      leadTimeStdDays: 2,
      reviewPeriodDays: 7,
      serviceLevel: 0.95,
      orderCycleDays: 3,
    });
    expect(levels.protectionDays).toBe(14);
    expect(levels.safetyStock).toBeCloseTo(37.72421, 4);
    expect(levels.reorderPoint).toBe(178);
    expect(levels.orderUpTo).toBe(208);
  });

  it('no lead-time spread: the textbook z σ √P', () => {
    // d 4, σ 2 daily, L 3, R 1 → σ_P = 4; z(0.9) = 1.281551566 → SS 5.126206; s = ⌈16 + 5.126⌉ = 22 = S
    const levels = computeLevels({
      dailyDemand: 4,
      demandStdOverPeriod: stdOverPeriod(2, 4),
      leadTimeDays: 3,
      leadTimeStdDays: 0,
      reviewPeriodDays: 1,
      serviceLevel: 0.9,
    });
    expect(levels.safetyStock).toBeCloseTo(5.126206, 5);
    expect([levels.reorderPoint, levels.orderUpTo]).toEqual([22, 22]);
  });

  it('pack size and MOQ rounding', () => {
    expect(roundOrderQty(13, 6)).toBe(18); // 3 packs of 6
    expect(roundOrderQty(12, 6)).toBe(12);
    expect(roundOrderQty(5, 6, 20)).toBe(24); // MOQ 20, then whole packs
    expect(roundOrderQty(25, 1, 10)).toBe(25);
    expect(roundOrderQty(7.2)).toBe(8);
    expect(roundOrderQty(0, 6, 20)).toBe(0);
    expect(roundOrderQty(-3)).toBe(0);
  });

  it('orders only below the reorder point, up to the order-up-to level', () => {
    expect(orderQuantity(178, { reorderPoint: 178, orderUpTo: 208 })).toBe(0);
    expect(orderQuantity(150, { reorderPoint: 178, orderUpTo: 208 }, 12)).toBe(60); // 58 → 5 packs of 12
    expect(orderQuantity(-10, { reorderPoint: 5, orderUpTo: 5 }, 1, 30)).toBe(30); // 15 → MOQ 30
  });

  it('ABC by revenue share, XYZ by coefficient of variation', () => {
    const classes = abcClasses(
      new Map([
        ['a', 50],
        ['b', 30],
        ['c', 15],
        ['d', 5],
      ]),
      config,
    );
    // shares before each: a 0 → A, b 0.5 → A, c 0.8 → B, d 0.95 → C
    expect(Object.fromEntries(classes)).toEqual({ a: 'A', b: 'A', c: 'B', d: 'C' });
    expect([
      xyzClass(10, 4, config),
      xyzClass(10, 8, config),
      xyzClass(10, 12, config),
      xyzClass(0, 0, config),
    ]).toEqual(['X', 'Y', 'Z', 'Z']);
  });

  it('demand from forecast quantiles or from recent history', () => {
    const width = 2 * 1.2815515655 * 3; // an 80% interval of a normal with σ 3
    const f = demandFromForecast([
      { mean: 10, p10: 10 - width / 2, p90: 10 + width / 2 },
      { mean: 14, p10: 14 - width / 2, p90: 14 + width / 2 },
    ]);
    expect(f.source).toBe('forecast');
    expect(f.dailyDemand).toBeCloseTo(12, 9);
    expect(f.dailyStd).toBeCloseTo(3, 6);
    const h = demandFromHistory([0, 2, 4]);
    expect([h.source, h.dailyDemand, h.dailyStd]).toEqual(['baseline', 2, 2]);
  });

  it('lead time: supplier × node history when long enough, else supplier, else nominal × cv', () => {
    expect(
      leadTimeEstimate(
        10,
        { supplierNode: { n: 2, mean: 20, std: 1 }, supplier: { n: 5, mean: 12, std: 3 } },
        3,
        0.2,
      ),
    ).toEqual({
      source: 'supplier',
      meanDays: 12,
      stdDays: 3,
    });
    expect(leadTimeEstimate(10, { supplierNode: { n: 4, mean: 11, std: 1.5 } }, 3, 0.2)).toEqual({
      source: 'supplier_node',
      meanDays: 11,
      stdDays: 1.5,
    });
    expect(leadTimeEstimate(10, {}, 3, 0.2)).toEqual({ source: 'nominal', meanDays: 10, stdDays: 2 });
  });

  it('config: defaults, overrides, and readable errors', () => {
    expect(serviceLevel(config, 'A', 'X')).toBe(0.98);
    expect(serviceLevel(parsePolicyConfig({ serviceLevels: { C: { Z: 0.85 } } }), 'C', 'Z')).toBe(0.85);
    expect(config.reviewPeriodDays).toBe(7);
    expect(() => parsePolicyConfig({ abc: { a: 0.9, b: 0.8 } })).toThrow(/abc.a must be below abc.b/);
    expect(() => parsePolicyConfig({ serviceLevels: { A: { X: 1.2 } } })).toThrow(/serviceLevels.A.X/);
    expect(() => parsePolicyConfig({ bogus: 1 })).toThrow(/Invalid replenishment policy config/);
  });
});

describe('replenishment policy: transfer or buy', () => {
  const purchase = { unitCost: 5, leadDays: 10 };
  const donor = { nodeId: 'ST-2', spareQty: 100, transitDays: 2, costPerOrder: 10, costPerUnit: 0.5 };

  it('transfers when freight is below the purchase cost and it arrives sooner', () => {
    // freight 10 + 0.5 × 40 = 30 < 40 × 5 = 200
    expect(chooseSource(40, purchase, [donor])).toMatchObject([
      { kind: 'transfer', fromNodeId: 'ST-2', qty: 40, cost: 30, leadDays: 2 },
    ]);
  });

  it('buys when the transfer is slower than the supplier', () => {
    expect(chooseSource(40, purchase, [{ ...donor, transitDays: 12 }])).toMatchObject([
      { kind: 'purchase', qty: 40, cost: 200 },
    ]);
  });

  it('buys when freight costs more than the units', () => {
    // 10 + 6 × 40 = 250 ≥ 200
    expect(chooseSource(40, purchase, [{ ...donor, costPerUnit: 6 }])).toMatchObject([
      { kind: 'purchase', qty: 40 },
    ]);
  });

  it('moves what the donor can spare and buys the rest', () => {
    expect(chooseSource(40, purchase, [{ ...donor, spareQty: 25 }])).toMatchObject([
      { kind: 'transfer', qty: 25, cost: 22.5 },
      { kind: 'purchase', qty: 15, cost: 75 },
    ]);
  });

  it('the cheapest donor per unit first', () => {
    const cheap = { ...donor, nodeId: 'ST-9', costPerOrder: 2, costPerUnit: 0.2 };
    expect(chooseSource(40, purchase, [donor, cheap])[0]).toMatchObject({ fromNodeId: 'ST-9', cost: 10 });
  });
});
