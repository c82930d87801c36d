import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../data/csv.ts';
import type { M5Key } from './levels.ts';

export type M5Ids = Record<M5Key, string>;

/** An M5 wide sales file in memory: one Float64Array per series over days firstDay..lastDay. */
export interface M5Wide {
  ids: string[];
  keys: M5Ids[];
  firstDay: number;
  lastDay: number;
  values: Float64Array[];
}

export function readM5Wide(file: string): M5Wide {
  const table = parseCsv(fs.readFileSync(file, 'utf8'));
  const col = (name: string): number => {
    const index = table.header.indexOf(name);
    if (index < 0) throw new Error(`${file}: no column ${name}`);
    return index;
  };
  const dayCols = table.header.map((name, i) => ({ name, i })).filter(({ name }) => /^d_\d+$/.test(name));
  const days = dayCols.map(({ name }) => Number(name.slice(2)));
  const firstDay = days[0]!;
  days.forEach((day, k) => {
    if (day !== firstDay + k) throw new Error(`${file}: d_ columns must be consecutive`);
  });
  const [id, item, dept, cat, store, state] = [
    'id',
    'item_id',
    'dept_id',
    'cat_id',
    'store_id',
    'state_id',
  ].map(col);
  return {
    ids: table.rows.map((row) => row[id!]!),
    keys: table.rows.map((row) => ({
      item_id: row[item!]!,
      dept_id: row[dept!]!,
      cat_id: row[cat!]!,
      store_id: row[store!]!,
      state_id: row[state!]!,
    })),
    firstDay,
    lastDay: days[days.length - 1]!,
    values: table.rows.map((row) => Float64Array.from(dayCols, ({ i }) => Number(row[i]))),
  };
}

/** Full-history aggregate series of levels 1–9 (history/aggregates/levelK.csv), keyed like the weight files. */
export interface M5Aggregates {
  firstDay: number;
  lastDay: number;
  levels: Map<number, Map<string, Float64Array>>;
}

export function readM5Aggregates(dir: string): M5Aggregates {
  const levels = new Map<number, Map<string, Float64Array>>();
  let firstDay = 1;
  let lastDay = 0;
  for (let level = 1; level <= 9; level++) {
    const file = path.join(dir, `level${level}.csv`);
    if (!fs.existsSync(file)) continue;
    const table = parseCsv(fs.readFileSync(file, 'utf8'));
    const first = table.header.findIndex((name) => /^d_\d+$/.test(name));
    firstDay = Number(table.header[first]!.slice(2));
    lastDay = Number(table.header[table.header.length - 1]!.slice(2));
    const idCols = table.header.slice(0, first);
    const series = new Map<string, Float64Array>();
    for (const row of table.rows) {
      series.set(
        aggregateKey(level, idCols, row.slice(0, first)),
        Float64Array.from(row.slice(first), Number),
      );
    }
    levels.set(level, series);
  }
  return { firstDay, lastDay, levels };
}

/**
 * Weight-file key of an aggregate row. The aggregate files name their id columns (level 1: "level",
 * value "Total"); their order can differ from the weight files', so keys are rebuilt in M5 order.
 */
function aggregateKey(level: number, idCols: string[], ids: string[]): string {
  if (level === 1) return 'Total/X';
  const get = (name: string): string => {
    const index = idCols.indexOf(name);
    if (index < 0) throw new Error(`aggregates level ${level}: no column ${name}`);
    return ids[index]!;
  };
  switch (level) {
    case 2:
      return `${get('state_id')}/X`;
    case 3:
      return `${get('store_id')}/X`;
    case 4:
      return `${get('cat_id')}/X`;
    case 5:
      return `${get('dept_id')}/X`;
    case 6:
      return `${get('state_id')}/${get('cat_id')}`;
    case 7:
      return `${get('state_id')}/${get('dept_id')}`;
    case 8:
      return `${get('store_id')}/${get('cat_id')}`;
    default:
      return `${get('store_id')}/${get('dept_id')}`;
  }
}
