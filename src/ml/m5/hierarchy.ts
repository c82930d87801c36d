import { naiveScale } from '../metrics/accuracy.ts';
import { levelWrmsse, meanOverLevels, type WeightedSeries } from '../metrics/wrmsse.ts';
import { LEVELS_1_TO_9 } from './levels.ts';
import type { M5Weights } from './weights.ts';
import type { M5Aggregates } from './wide.ts';

/**
 * The M5 hierarchy above the items, levels 1–9, as the store × department series (level 9, the
 * bottom here) and how each higher series sums them. Keys are the weight files' keys
 * (`CA_1/FOODS_1` at level 9, `Total/X` at level 1).
 */
export interface AggregateNode {
  level: number;
  key: string;
  /** Indices into `bottom`. */
  members: number[];
  /** Feature-table keys: location (store or state or ALL), category (department, category or ALL), region (state or ALL). */
  location: string;
  category: string;
  region: string;
}

export interface Hierarchy {
  /** Level-9 keys, `store/dept`. */
  bottom: string[];
  /** Every series of levels 1–9 (level 9 included, in `bottom` order). */
  nodes: AggregateNode[];
}

const ALL = 'ALL';

/** Builds levels 1–9 from the level-9 keys (`store/dept`; state = the store's prefix, category = the department's). */
export function m5Hierarchy(bottomKeys: readonly string[]): Hierarchy {
  const bottom = [...bottomKeys];
  const parts = bottom.map((key) => {
    const [store, dept] = key.split('/') as [string, string];
    return { store, dept, state: store.split('_')[0]!, cat: dept.split('_')[0]! };
  });
  type Part = (typeof parts)[number];
  const levels: { level: number; key: (p: Part) => string; place: (p: Part) => [string, string, string] }[] =
    [
      { level: 1, key: () => 'Total/X', place: () => [ALL, ALL, ALL] },
      { level: 2, key: (p) => `${p.state}/X`, place: (p) => [p.state, ALL, p.state] },
      { level: 3, key: (p) => `${p.store}/X`, place: (p) => [p.store, ALL, p.state] },
      { level: 4, key: (p) => `${p.cat}/X`, place: (p) => [ALL, p.cat, ALL] },
      { level: 5, key: (p) => `${p.dept}/X`, place: (p) => [ALL, p.dept, ALL] },
      { level: 6, key: (p) => `${p.state}/${p.cat}`, place: (p) => [p.state, p.cat, p.state] },
      { level: 7, key: (p) => `${p.state}/${p.dept}`, place: (p) => [p.state, p.dept, p.state] },
      { level: 8, key: (p) => `${p.store}/${p.cat}`, place: (p) => [p.store, p.cat, p.state] },
      { level: 9, key: (p) => `${p.store}/${p.dept}`, place: (p) => [p.store, p.dept, p.state] },
    ];
  const nodes: AggregateNode[] = [];
  for (const { level, key, place } of levels) {
    const byKey = new Map<string, AggregateNode>();
    parts.forEach((p, i) => {
      const k = key(p);
      let node = byKey.get(k);
      if (!node) {
        const [location, category, region] = place(p);
        node = { level, key: k, members: [], location, category, region };
        byKey.set(k, node);
        nodes.push(node);
      }
      node.members.push(i);
    });
  }
  return { bottom, nodes };
}

/** Sums bottom arrays (one per level-9 series) into every node of the hierarchy. */
export function sumToNodes(hierarchy: Hierarchy, bottom: readonly ArrayLike<number>[]): Float64Array[] {
  const length = bottom[0]?.length ?? 0;
  return hierarchy.nodes.map((node) => {
    const out = new Float64Array(length);
    for (const m of node.members) {
      const values = bottom[m]!;
      for (let k = 0; k < length; k++) out[k] = out[k]! + values[k]!;
    }
    return out;
  });
}

/**
 * Levels 1–9 WRMSSE of coherent level-9 forecasts against the full-history aggregates (the development
 * folds: origins inside the aggregates' history). Scales as M5: each series' naive MSE from its first
 * non-zero day to the origin.
 */
export function scoreAggregates(
  hierarchy: Hierarchy,
  aggregates: M5Aggregates,
  weights: M5Weights,
  origin: number,
  bottomForecasts: readonly ArrayLike<number>[],
): { perLevel: Map<number, number>; mean1to9: number } {
  const horizon = bottomForecasts[0]?.length ?? 0;
  if (origin + horizon > aggregates.lastDay) throw new Error('the fold must end inside the aggregates');
  const forecasts = sumToNodes(hierarchy, bottomForecasts);
  const byLevel = new Map<number, WeightedSeries[]>();
  hierarchy.nodes.forEach((node, i) => {
    const values = aggregates.levels.get(node.level)?.get(node.key);
    if (!values) throw new Error(`no aggregate for level ${node.level} ${node.key}`);
    const end = origin - aggregates.firstDay + 1;
    const list = byLevel.get(node.level) ?? [];
    list.push({
      key: node.key,
      weight: weights.get(node.level)?.get(node.key) ?? 0,
      scale: naiveScale(values.subarray(0, end)),
      actual: values.subarray(end, end + horizon),
      forecast: forecasts[i]!,
    });
    byLevel.set(node.level, list);
  });
  const perLevel = new Map<number, number>();
  for (const [level, series] of byLevel) perLevel.set(level, levelWrmsse(series));
  return { perLevel, mean1to9: meanOverLevels(perLevel, LEVELS_1_TO_9) };
}
