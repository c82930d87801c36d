import path from 'node:path';
import { type CsvTable, columnIndex, readCsv } from '../data/csv.ts';
import { levelWrmsse, type WeightedSeries } from '../metrics/wrmsse.ts';
import { readM5Weights } from './weights.ts';

/**
 * Recomputes the official M5 WRMSSE of the top-50 teams at levels 1–9 from their published forecasts
 * (`pool_inference_levels1-9`, mathsoul/Pool-Inference): the golden check of `levelWrmsse`. The files
 * hold evaluation-period actuals: they are read here and nowhere else, and never feed a model.
 */
export interface PoolCheckRow {
  rank: number;
  team: string;
  level: number;
  official: number;
  recomputed: number;
}

export interface PoolCheckResult {
  rows: PoolCheckRow[];
  maxAbsDiff: number;
  teams: number;
  levels: number[];
}

/**
 * `scale2_Lk` stores the square root of the M5 denominator (the RMS of the one-step naive error), so it
 * is squared here; read as the mean squared error itself the level-1 scores come out ~77× too large.
 */
export function checkPool(m5Dir: string): PoolCheckResult {
  const pool = path.join(m5Dir, 'pool_inference_levels1-9');
  const weights = readM5Weights(path.join(m5Dir, 'weights_evaluation.csv'));
  const official = readCsv(path.join(m5Dir, 'm5_accuracy_top50_wrmsse.csv'));
  const nameCol = columnIndex(official, 'name');
  // group_id in the pool files is the row of the official table (ranks tie at 22; rows do not)
  const teams = official.rows.map((row, i) => ({ rank: i + 1, name: row[nameCol]!, row }));
  const levels = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const rows: PoolCheckRow[] = [];
  for (const level of levels) {
    const truth = keyed(readCsv(path.join(pool, `df_true_L${level}.csv`)), 'd_');
    const scales = keyed(readCsv(path.join(pool, `scale2_L${level}.csv`)), 'value');
    const preds = readCsv(path.join(pool, `pred_L${level}_all.csv`));
    const group = columnIndex(preds, 'group_id');
    const first = columnIndex(preds, 'F1');
    const levelWeights = weights.get(level);
    if (!levelWeights) throw new Error(`weights_evaluation.csv has no level ${level}`);
    const byTeam = new Map<number, WeightedSeries[]>();
    for (const row of preds.rows) {
      const key = weightKeyOf(row.slice(0, first));
      const actual = truth.get(key);
      const scale = scales.get(key);
      const weight = levelWeights.get(key);
      if (!actual || !scale || weight === undefined) throw new Error(`level ${level}: unknown series ${key}`);
      const scaleValue = scale[0]!;
      const list = byTeam.get(Number(row[group])) ?? [];
      list.push({
        key,
        weight,
        scale: scaleValue * scaleValue,
        actual,
        forecast: row.slice(first, first + 28).map(Number),
      });
      byTeam.set(Number(row[group]), list);
    }
    const officialCol = columnIndex(official, `L${level}`);
    for (const team of teams) {
      const series = byTeam.get(team.rank);
      if (!series) throw new Error(`level ${level}: no forecasts of team ${team.rank}`);
      rows.push({
        rank: team.rank,
        team: team.name,
        level,
        official: Number(team.row[officialCol]),
        recomputed: levelWrmsse(series),
      });
    }
  }
  const maxAbsDiff = Math.max(...rows.map((row) => Math.abs(row.official - row.recomputed)));
  return { rows, maxAbsDiff, teams: teams.length, levels };
}

/** Rows keyed like the weight files (`A/B`, `A/X`, `Total/X`), values from the first column matching `prefix`. */
function keyed(table: CsvTable, prefix: string): Map<string, number[]> {
  const first = table.header.findIndex((name) => name.startsWith(prefix));
  if (first < 0) throw new Error(`no column starting with ${prefix}`);
  const out = new Map<string, number[]>();
  for (const row of table.rows) out.set(weightKeyOf(row.slice(0, first)), row.slice(first).map(Number));
  return out;
}

function weightKeyOf(ids: string[]): string {
  if (ids.length === 0) return 'Total/X';
  if (ids.length === 1) return `${ids[0]}/X`;
  return `${ids[0]}/${ids[1]}`;
}
