import { columnIndex, readCsv } from '../data/csv.ts';

/** Official WRMSSE weights: level → (`Agg_Level_1/Agg_Level_2` → weight). */
export type M5Weights = Map<number, Map<string, number>>;

/** Reads `weights_validation.csv` or `weights_evaluation.csv` (their weight columns are named differently). */
export function readM5Weights(file: string): M5Weights {
  const table = readCsv(file);
  const level = columnIndex(table, 'Level_id', file);
  const a = columnIndex(table, 'Agg_Level_1', file);
  const b = columnIndex(table, 'Agg_Level_2', file);
  const w =
    table.header.indexOf('weight') >= 0 ? table.header.indexOf('weight') : columnIndex(table, 'Weight');
  const weights: M5Weights = new Map();
  for (const row of table.rows) {
    const number = Number(row[level]!.replace('Level', ''));
    let byKey = weights.get(number);
    if (!byKey) {
      byKey = new Map();
      weights.set(number, byKey);
    }
    byKey.set(`${row[a]}/${row[b]}`, Number(row[w]));
  }
  return weights;
}
