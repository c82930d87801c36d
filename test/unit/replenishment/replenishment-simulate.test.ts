import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRules, loadWideSales } from '../../../src/replenishment/compare.ts';
import { mean, std } from '../../../src/replenishment/policy/stats.ts';
import { staticReorderRule } from '../../../src/replenishment/rules.ts';
import { gammaLeadTimes, seededRandom, simulateSeries } from '../../../src/replenishment/simulate.ts';

const flat = { id: 's', demand: [2, 2, 2, 2, 2, 2], unitValue: 3 };
const rule = staticReorderRule({ avgDaily: 2, leadTimeDays: 1, minQty: 0, reorderQty: 2 }); // level 2, up to 4

describe('replenishment replay', () => {
  it('lead time 1: orders the day the position reaches the level, never runs out', () => {
    // day 0: 4 on hand → 2 left; day 1: position 2 ≤ 2 → order 2 (due day 2), sell → 0; every later day the
    // same: arrival 2, order 2, sell 2 → 0. Five orders, 2 unit-days of stock.
    expect(
      simulateSeries(flat, rule, { start: 0, warmupStart: 0, initialStock: 4, leadTime: () => 1 }),
    ).toEqual({
      demand: 12,
      served: 12,
      stockoutDays: 0,
      inventoryUnitDays: 2,
      inventoryValueDays: 6,
      orders: 5,
      days: 6,
    });
  });

  it('lead time 2: lost sales on the days the order is still on its way', () => {
    // orders on days 1, 2, 4, 5; days 2 and 5 start empty with the order in transit: 4 units lost
    expect(
      simulateSeries(flat, rule, { start: 0, warmupStart: 0, initialStock: 4, leadTime: () => 2 }),
    ).toMatchObject({
      demand: 12,
      served: 8,
      stockoutDays: 2,
      inventoryUnitDays: 2,
      orders: 4,
    });
  });

  it('warm-up days are simulated but not measured', () => {
    const r = simulateSeries(flat, rule, { start: 2, warmupStart: 0, initialStock: 4, leadTime: () => 1 });
    expect([r.days, r.demand, r.served, r.orders]).toEqual([4, 8, 8, 4]);
  });

  it('gamma lead times: the mean and spread asked for, whole days ≥ 1, reproducible', () => {
    const draw = gammaLeadTimes(7, 2.5, seededRandom(3));
    const xs = Array.from({ length: 20_000 }, draw);
    expect(mean(xs)).toBeCloseTo(7, 1);
    expect(Math.abs(std(xs) - 2.5)).toBeLessThan(0.1);
    expect(xs.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    const again = gammaLeadTimes(7, 2.5, seededRandom(3));
    expect(Array.from({ length: 5 }, again)).toEqual(xs.slice(0, 5));
  });

  it('compare: both rules tuned to the target fill on a wide CSV', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-sim-'));
    try {
      // 6 series, 300 days: steady, noisy and intermittent demand
      const random = seededRandom(11);
      const rows = Array.from({ length: 6 }, (_, i) => {
        const days = Array.from({ length: 300 }, () =>
          i % 3 === 0 ? 5 : i % 3 === 1 ? Math.round(random() * 10) : random() < 0.2 ? 3 : 0,
        );
        return [`I${i}_S`, `I${i}`, 'D', 'C', 'S', 'X', ...days].join(',');
      });
      const header = [
        'id',
        'item_id',
        'dept_id',
        'cat_id',
        'store_id',
        'state_id',
        ...Array.from({ length: 300 }, (_, d) => `d_${d + 1}`),
      ];
      const file = path.join(dir, 'sales.csv');
      fs.writeFileSync(file, `${header.join(',')}\n${rows.join('\n')}\n`);
      const series = loadWideSales(file);
      expect(series.map((s) => s.demand.length)).toEqual([300, 300, 300, 300, 300, 300]);
      const result = compareRules(series, { targets: [0.95] });
      const [c] = result.comparisons;
      expect(result.series).toBe(6);
      expect(c!.static.fill).toBeGreaterThanOrEqual(0.95);
      expect(c!.policy.fill).toBeGreaterThanOrEqual(0.95);
      expect(c!.inventory_value_reduction).toBeCloseTo(
        1 - c!.policy.avgInventoryValue / c!.static.avgInventoryValue,
        12,
      );
      expect(() => compareRules(series, { replayDays: 290 })).toThrow(/needs 374/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
