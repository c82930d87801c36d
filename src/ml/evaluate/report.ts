import type { RollingResult } from './rolling.ts';

/** RMSSE per model with the improvement over seasonal naive and ETS (positive = better), one block per dataset. */
export function formatRollingTable(results: readonly RollingResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const byModel = new Map(result.scores.map((s) => [s.model, s]));
    const snaive = byModel.get('snaive')?.rmsse;
    const ets = byModel.get('ets')?.rmsse;
    lines.push(
      `${result.dataset}: ${result.description}; ${result.origins.length} origins × ${result.horizon} periods`,
      `${'model'.padEnd(14)} ${'RMSSE'.padStart(7)} ${'vs sNaive'.padStart(9)} ${'vs ETS'.padStart(8)} ${'WRMSSE'.padStart(7)} ${'MAE'.padStart(10)} ${'bias'.padStart(7)} ${'cover80'.padStart(7)} ${'seconds'.padStart(8)}`,
    );
    for (const s of result.scores) {
      const vs = (base: number | undefined) => (base ? `${(100 * (1 - s.rmsse / base)).toFixed(1)}%` : '');
      lines.push(
        [
          s.model.padEnd(14),
          s.rmsse.toFixed(4).padStart(7),
          vs(snaive).padStart(9),
          vs(ets).padStart(8),
          s.wrmsse.toFixed(4).padStart(7),
          s.mae.toPrecision(4).padStart(10),
          `${(100 * s.relativeBias).toFixed(1)}%`.padStart(7),
          Number.isNaN(s.coverage80) ? '      -' : s.coverage80.toFixed(3).padStart(7),
          s.seconds.toFixed(1).padStart(8),
        ].join(' '),
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
