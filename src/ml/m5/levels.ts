/**
 * The twelve aggregation levels of M5 (guidelines, table 1) over the item × store series, with the id
 * columns that name a series at each level and how the official weight files spell its two keys.
 */
export interface M5Level {
  level: number;
  name: string;
  /** Id columns of the level's series, in the order the official files write them. */
  keys: readonly M5Key[];
}

export type M5Key = 'state_id' | 'store_id' | 'cat_id' | 'dept_id' | 'item_id';

export const M5_LEVELS: readonly M5Level[] = [
  { level: 1, name: 'total', keys: [] },
  { level: 2, name: 'state', keys: ['state_id'] },
  { level: 3, name: 'store', keys: ['store_id'] },
  { level: 4, name: 'category', keys: ['cat_id'] },
  { level: 5, name: 'department', keys: ['dept_id'] },
  { level: 6, name: 'state × category', keys: ['state_id', 'cat_id'] },
  { level: 7, name: 'state × department', keys: ['state_id', 'dept_id'] },
  { level: 8, name: 'store × category', keys: ['store_id', 'cat_id'] },
  { level: 9, name: 'store × department', keys: ['store_id', 'dept_id'] },
  { level: 10, name: 'item', keys: ['item_id'] },
  { level: 11, name: 'item × state', keys: ['state_id', 'item_id'] },
  { level: 12, name: 'item × store', keys: ['item_id', 'store_id'] },
];

export const LEVELS_1_TO_9 = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export const LEVELS_1_TO_12 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

export function m5Level(level: number): M5Level {
  const found = M5_LEVELS.find((entry) => entry.level === level);
  if (!found) throw new Error(`M5 has levels 1–12, not ${level}`);
  return found;
}

/**
 * The key of a series as the weight files write it: `Agg_Level_1/Agg_Level_2`, with `Total/X` for
 * level 1 and `…/X` for one-key levels.
 */
export function weightKey(level: M5Level, ids: Readonly<Record<M5Key, string>>): string {
  if (level.keys.length === 0) return 'Total/X';
  const first = ids[level.keys[0]!];
  const second = level.keys.length > 1 ? ids[level.keys[1]!] : 'X';
  return `${first}/${second}`;
}
