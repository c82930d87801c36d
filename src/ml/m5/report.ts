import { evaluateM5, type M5Scores } from './evaluate.ts';
import type { M5Weights } from './weights.ts';
import type { M5Aggregates, M5Wide } from './wide.ts';

export interface M5ScoreRow {
  model: string;
  levels: number[];
  mean1to9: number;
  mean1to12: number;
}

/** Scores item × store forecasts of the held-out days for each model. */
export function scoreModels(
  wide: M5Wide,
  aggregates: M5Aggregates | undefined,
  weights: M5Weights,
  origin: number,
  horizon: number,
  models: ReadonlyMap<string, readonly ArrayLike<number>[]>,
): M5ScoreRow[] {
  const rows: M5ScoreRow[] = [];
  for (const [model, forecasts] of models) {
    const scores: M5Scores = evaluateM5({
      keys: wide.keys,
      values: wide.values,
      firstDay: wide.firstDay,
      origin,
      horizon,
      forecasts,
      weights,
      ...(aggregates ? { aggregates } : {}),
    });
    rows.push({
      model,
      levels: [...scores.perLevel.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v),
      mean1to9: scores.mean1to9,
      mean1to12: scores.mean1to12,
    });
  }
  return rows;
}

export function formatScoreTable(rows: readonly M5ScoreRow[]): string {
  const header = [
    'model'.padEnd(10),
    ...Array.from({ length: 12 }, (_, i) => `L${i + 1}`.padStart(6)),
    '  L1-9',
    ' L1-12',
  ];
  const lines = [header.join(' ')];
  for (const row of rows) {
    lines.push(
      [
        row.model.padEnd(10),
        ...row.levels.map((v) => v.toFixed(3).padStart(6)),
        row.mean1to9.toFixed(4).padStart(6),
        row.mean1to12.toFixed(4).padStart(6),
      ].join(' '),
    );
  }
  return `${lines.join('\n')}\n`;
}
