import path from 'node:path';
import { DEFAULT_NAB_DIR, loadPublished } from '../src/anomaly/nab/corpus.ts';
import { runNab } from '../src/anomaly/nab/runner.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

/**
 * NAB (58 series, 116 windows): our streaming ONNX detector scored with our port of NAB's scorer,
 * beside the published scoreboard (Numenta HTM, ARTime, windowedGaussian, twitterADVec).
 */
export async function benchNab(): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const resultsDir = path.resolve(import.meta.dirname, '..', 'data', 'generated', 'nab-results');
  const { results, seconds, rows } = await runNab({
    resultsDir,
    onProgress: (done, total) => {
      if (done % 10 === 0 || done === total) process.stderr.write(`nab: ${done}/${total} series\n`);
    },
  });
  const published = loadPublished(DEFAULT_NAB_DIR);
  const out: BenchRow[] = [];
  for (const r of results) {
    out.push({
      metric: `retailos ${r.profile}`,
      value: r.normalized,
      unit: 'NAB score',
      ...(r.profile === 'standard' ? { target: '>= 70', ok: r.normalized >= 70 } : {}),
    });
    for (const [name, label] of [
      ['numenta', 'Numenta HTM'],
      ['ARTime', 'ARTime'],
      ['twitterADVec', 'twitterADVec'],
      ['windowedGaussian', 'windowedGaussian'],
    ] as const) {
      const value = published[name]?.[r.profile];
      if (value !== undefined)
        out.push({ metric: `  published ${label} ${r.profile}`, value, unit: 'NAB score' });
    }
  }
  out.push({
    metric: 'detect rows per second (TS state + ONNX)',
    value: Math.round(rows / seconds),
    unit: 'rows/s',
  });
  return {
    name: 'nab',
    description: 'Numenta Anomaly Benchmark: our detector on all three profiles vs the published scoreboard',
    startedAt,
    parameters: {
      corpus: 'numenta/NAB ea702d75, 58 files, 116 windows',
      resultsDir: path.relative(process.cwd(), resultsDir),
      thresholds: Object.fromEntries(results.map((r) => [r.profile, r.threshold])),
      raw: Object.fromEntries(
        results.map((r) => [r.profile, { raw: r.raw, null: r.nullScore, perfect: r.perfect, ...r.counts }]),
      ),
      note: 'published numbers from final_results.json (HTM "numenta" 70.1 there; the README scoreboard lists 70.5)',
    },
    rows: out,
  };
}
