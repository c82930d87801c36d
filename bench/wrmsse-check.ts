import { performance } from 'node:perf_hooks';
import { sharedDataPath } from '../src/ml/data/shared-data.ts';
import { checkPool } from '../src/ml/m5/pool-check.ts';
import type { BenchReport } from './lib/report.ts';

/**
 * `wrmsse-check` (BENCHMARKS.md): recompute the official M5 WRMSSE of the top-50 teams at levels 1–9
 * from their published forecasts and the official scales and weights; the largest absolute difference
 * to the published per-level scores must be ≤ 1e-6.
 */
export async function benchWrmsseCheck(): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const result = checkPool(sharedDataPath('m5'));
  const seconds = (performance.now() - started) / 1000;
  const perLevel = result.levels.map((level) => {
    const rows = result.rows.filter((row) => row.level === level);
    return {
      metric: `level ${level} max abs diff`,
      value: Math.max(...rows.map((row) => Math.abs(row.official - row.recomputed))),
      unit: '',
    };
  });
  const winner = result.rows.filter((row) => row.rank === 1);
  const winnerMean = winner.reduce((sum, row) => sum + row.recomputed, 0) / winner.length;
  return {
    name: 'wrmsse-check',
    description: `official M5 WRMSSE recomputed for ${result.teams} teams × levels 1–9 (pool_inference_levels1-9)`,
    startedAt,
    parameters: { teams: result.teams, levels: result.levels },
    rows: [
      {
        metric: 'max abs difference (all teams, levels 1–9)',
        value: result.maxAbsDiff,
        unit: '',
        target: '<= 1e-6',
        ok: result.maxAbsDiff <= 1e-6,
      },
      {
        metric: 'max abs difference in units of 1e-12',
        value: Number((result.maxAbsDiff * 1e12).toFixed(3)),
        unit: '1e-12',
      },
      ...perLevel.map((row) => ({ ...row, value: Number((row.value * 1e12).toFixed(3)), unit: '1e-12' })),
      { metric: 'scores compared', value: result.rows.length, unit: 'scores' },
      { metric: 'winner (YJ_STU) mean WRMSSE levels 1–9', value: Number(winnerMean.toFixed(6)), unit: '' },
      { metric: 'seconds', value: Number(seconds.toFixed(2)), unit: 's' },
    ],
  };
}
