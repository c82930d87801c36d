import { describe, expect, it } from 'vitest';
import { m5Hierarchy, sumToNodes } from '../../../src/ml/m5/hierarchy.ts';
import { reconcileWls } from '../../../src/ml/m5/reconcile.ts';

const STORES = ['CA_1', 'CA_2', 'CA_3', 'CA_4', 'TX_1', 'TX_2', 'TX_3', 'WI_1', 'WI_2', 'WI_3'];
const DEPTS = ['FOODS_1', 'FOODS_2', 'FOODS_3', 'HOBBIES_1', 'HOBBIES_2', 'HOUSEHOLD_1', 'HOUSEHOLD_2'];

describe('M5 hierarchy, levels 1–9', () => {
  it("the 70 store × department series give M5's 154 series of levels 1–9, keyed as the weight files", () => {
    const h = m5Hierarchy(STORES.flatMap((store) => DEPTS.map((dept) => `${store}/${dept}`)));
    const count = (level: number) => h.nodes.filter((n) => n.level === level).length;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(count)).toEqual([1, 3, 10, 3, 7, 9, 21, 30, 70]);
    const node = (level: number, key: string) => h.nodes.find((n) => n.level === level && n.key === key)!;
    expect(node(1, 'Total/X').members).toHaveLength(70);
    expect(node(2, 'TX/X').members).toHaveLength(21);
    expect(node(6, 'WI/HOBBIES').members.map((m) => h.bottom[m])).toEqual([
      'WI_1/HOBBIES_1',
      'WI_1/HOBBIES_2',
      'WI_2/HOBBIES_1',
      'WI_2/HOBBIES_2',
      'WI_3/HOBBIES_1',
      'WI_3/HOBBIES_2',
    ]);
    expect(node(7, 'CA/FOODS_3')).toMatchObject({ location: 'CA', category: 'FOODS_3', region: 'CA' });
    expect(node(5, 'FOODS_3/X')).toMatchObject({ location: 'ALL', category: 'FOODS_3', region: 'ALL' });
    // level 9 is the bottom itself, in order
    expect(h.nodes.filter((n) => n.level === 9).map((n) => n.members)).toEqual(h.bottom.map((_, i) => [i]));
  });

  it('sums the bottom into every node', () => {
    const h = m5Hierarchy(['CA_1/FOODS_1', 'CA_1/HOBBIES_1', 'TX_1/FOODS_1']);
    const sums = sumToNodes(h, [
      [1, 2],
      [10, 20],
      [100, 200],
    ]);
    const at = (level: number, key: string) =>
      Array.from(sums[h.nodes.findIndex((n) => n.level === level && n.key === key)]!);
    expect(at(1, 'Total/X')).toEqual([111, 222]);
    expect(at(2, 'CA/X')).toEqual([11, 22]);
    expect(at(4, 'FOODS/X')).toEqual([101, 202]);
    expect(at(8, 'TX_1/FOODS')).toEqual([100, 200]);
  });
});

describe('WLS reconciliation', () => {
  // two departments of one store and category: level 9 has 2 series, every level above sums both
  const h = m5Hierarchy(['CA_1/FOODS_1', 'CA_1/FOODS_2']);
  const at = (level: number, key: string) => h.nodes.findIndex((n) => n.level === level && n.key === key);
  const total = at(1, 'Total/X');
  const a = at(9, 'CA_1/FOODS_1');
  const b = at(9, 'CA_1/FOODS_2');

  it('given/expected: min (a − â)² + (b − b̂)² + w (a + b − T)², solved in closed form', () => {
    const forecasts = h.nodes.map(() => undefined as number[] | undefined);
    forecasts[a] = [4, 0];
    forecasts[b] = [6, 3];
    forecasts[total] = [16, 3];
    // equal weights: the gap T − â − b̂ = 6 is shared by the three equations → each bottom gets 6/3
    const equal = h.nodes.map((_, i) => (i === a || i === b || i === total ? 1 : 0));
    const round = (rows: Float64Array[]) => rows.map((f) => Array.from(f, (v) => Number(v.toFixed(9))));
    expect(round(reconcileWls(h, forecasts, equal))).toEqual([
      [6, 0],
      [8, 3],
    ]);
    // the total trusted 4×: (a − â) + 4(a + b − T) = 0 and the same for b → a − â = b − b̂ = 4·gap/9
    const trustTop = equal.map((w, i) => (i === total ? 4 : w));
    const out = reconcileWls(h, forecasts, trustTop).map((f) => Array.from(f));
    expect(out[0]![0]).toBeCloseTo(4 + (4 * 6) / 9, 12);
    expect(out[1]![0]).toBeCloseTo(6 + (4 * 6) / 9, 12);
  });

  it('coherent forecasts are kept; negative solutions are clipped to 0; the bottom is required', () => {
    const coherent = h.nodes.map((node) =>
      node.members.length === 2 ? [9, 1] : [node.members[0] === 0 ? 4 : 5, 0.5],
    );
    const weights = h.nodes.map((_, i) => 1 + i);
    const out = reconcileWls(h, coherent, weights).map((f) => Array.from(f, (v) => Number(v.toFixed(9))));
    expect(out).toEqual([
      [4, 0.5],
      [5, 0.5],
    ]);
    const forecasts = h.nodes.map(() => undefined as number[] | undefined);
    forecasts[a] = [0];
    forecasts[b] = [5];
    forecasts[total] = [-10];
    const ones = h.nodes.map((_, i) => (i === a || i === b || i === total ? 1 : 0));
    // unconstrained: a = 0 − 5 = −5 → clipped to 0; b = 5 − 5 = 0
    const [clippedA, clippedB] = reconcileWls(h, forecasts, ones);
    expect(clippedA![0]).toBe(0);
    expect(clippedB![0]).toBeCloseTo(0, 9);
    const noBottom = h.nodes.map((_, i) => (i === total ? [1] : undefined));
    expect(() => reconcileWls(h, noBottom, ones)).toThrow(/bottom level needs a forecast/);
  });
});
