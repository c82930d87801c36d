import path from 'node:path';
import { loadFavorita } from '../src/ml/data/favorita.ts';
import { loadM5Items } from '../src/ml/data/m5-items.ts';
import { sharedDataPath } from '../src/ml/data/shared-data.ts';
import { simulateItems } from '../src/ml/data/simulated.ts';
import { loadWalmart } from '../src/ml/data/walmart.ts';
import type { EvalDataset } from '../src/ml/evaluate/dataset.ts';
import { formatRollingTable } from '../src/ml/evaluate/report.ts';
import { type RollingResult, rollingOrigin } from '../src/ml/evaluate/rolling.ts';
import { m5Benchmarks } from '../src/ml/m5/benchmarks.ts';
import { forecastM5 } from '../src/ml/m5/pipeline.ts';
import { scoreModels } from '../src/ml/m5/report.ts';
import { readM5Weights } from '../src/ml/m5/weights.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

/**
 * `forecast-accuracy` (BENCHMARKS.md): rolling origin, 3 folds, 28 days (4 weeks) ahead, on real store
 * data (favorita daily transactions, walmart weekly sales), real item-level data (the 280 M5 series
 * with full history and prices) and simulated item-level data (promotions, stockouts). Every baseline
 * and the GBDT see the same folds; the GBDT must beat seasonal naive by ≥ 20% RMSSE and ETS.
 */
export async function benchForecastAccuracy(
  options: { datasets?: string[]; threads?: number } = {},
): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loaders: Record<string, () => EvalDataset> = {
    favorita: () => loadFavorita(sharedDataPath('favorita')),
    'walmart-weekly': () => loadWalmart(sharedDataPath('walmart-weekly')),
    'm5-items': () => loadM5Items(sharedDataPath('m5')),
    'simulated-items': () => simulateItems(),
  };
  const names = options.datasets ?? Object.keys(loaders);
  const results: RollingResult[] = [];
  for (const name of names) {
    const started = performance.now();
    process.stderr.write(`forecast-accuracy: ${name}…\n`);
    const result = await rollingOrigin(loaders[name]!(), { folds: 3, threads: options.threads ?? 2 });
    results.push(result);
    process.stderr.write(
      `${formatRollingTable([result])}(${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  const rows: BenchRow[] = [];
  for (const result of results) {
    const by = new Map(result.scores.map((s) => [s.model, s]));
    const snaive = by.get('snaive')!.rmsse;
    const ets = by.get('ets')!.rmsse;
    for (const score of result.scores) {
      rows.push({
        metric: `${result.dataset} RMSSE ${score.model}`,
        value: round(score.rmsse),
        unit: 'RMSSE',
      });
    }
    const gbdt = by.get('gbdt')!;
    const vsNaive = 1 - gbdt.rmsse / snaive;
    const vsEts = 1 - gbdt.rmsse / ets;
    rows.push(
      {
        metric: `${result.dataset} gbdt improvement over sNaive`,
        value: round(100 * vsNaive, 1),
        unit: '%',
        target: '>= 20',
        ok: vsNaive >= 0.2,
      },
      {
        metric: `${result.dataset} gbdt improvement over ETS`,
        value: round(100 * vsEts, 1),
        unit: '%',
        target: '> 0',
        ok: vsEts > 0,
      },
      {
        metric: `${result.dataset} gbdt 80% interval coverage`,
        value: round(gbdt.coverage80),
        unit: 'share',
      },
      { metric: `${result.dataset} gbdt bias`, value: round(100 * gbdt.relativeBias, 1), unit: '%' },
      {
        metric: `${result.dataset} gbdt train + score seconds (3 folds)`,
        value: round(gbdt.seconds, 1),
        unit: 's',
      },
    );
  }
  return {
    name: 'forecast-accuracy',
    description: 'rolling origin (3 folds, 28 days / 4 weeks ahead): RMSSE per dataset and model',
    startedAt,
    parameters: {
      datasets: results.map((r) => ({
        name: r.dataset,
        series: r.series,
        horizon: r.horizon,
        origins: r.origins,
      })),
      scale: 'RMSSE per series and fold (one-step naive MSE of the history), averaged',
    },
    rows,
  };
}

/**
 * M5 validation window (not a BENCHMARKS.md entry; register as `m5-validation` if wanted): train on
 * d_1762..d_1913 (+ the full-history aggregates), forecast d_1914..d_1941, WRMSSE at 12 levels with the
 * official validation weights, against sNaive, ES_bu and ES_md computed the same way.
 */
export async function benchM5Validation(): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const m5 = sharedDataPath('m5');
  const history = path.join(m5, 'history');
  const result = await forecastM5({
    sales: path.join(history, 'sales_item_store_d1762_d1941.csv'),
    calendar: path.join(m5, 'calendar.csv'),
    prices: path.join(history, 'sell_price_latest_per_item_store.csv'),
    aggregates: path.join(history, 'aggregates'),
    horizon: 28,
    holdout: 28,
    threads: 2,
    onStage: (stage, detail) => {
      if (detail) process.stderr.write(`m5: ${stage}: ${detail}\n`);
    },
  });
  const models = new Map<string, readonly ArrayLike<number>[]>([
    ['gbdt', result.forecasts],
    ['gbdt_items', result.itemForecasts],
  ]);
  for (const [name, forecasts] of m5Benchmarks(result.wide, result.aggregates, result.origin, 28, {
    ets: true,
  })) {
    models.set(name, forecasts);
  }
  const scores = scoreModels(
    result.wide,
    result.aggregates,
    readM5Weights(path.join(m5, 'weights_validation.csv')),
    result.origin,
    28,
    models,
  );
  const rows: BenchRow[] = [];
  for (const score of scores) {
    rows.push(
      { metric: `${score.model} WRMSSE levels 1-9`, value: round(score.mean1to9), unit: 'WRMSSE' },
      { metric: `${score.model} WRMSSE levels 1-12`, value: round(score.mean1to12), unit: 'WRMSSE' },
    );
  }
  const gbdt = scores.find((s) => s.model === 'gbdt')!;
  const snaive = scores.find((s) => s.model === 'sNaive')!;
  rows.push(
    ...gbdt.levels.map((value, i) => ({
      metric: `gbdt level ${i + 1}`,
      value: round(value),
      unit: 'WRMSSE',
    })),
    {
      metric: 'gbdt improvement over sNaive, levels 1-9',
      value: round(100 * (1 - gbdt.mean1to9 / snaive.mean1to9), 1),
      unit: '%',
    },
    {
      metric: 'train + forecast seconds (30,490 series)',
      value: round(result.seconds, 1),
      unit: 's',
      target: '<= 600',
      ok: result.seconds <= 600,
    },
  );
  return {
    name: 'm5-validation',
    description:
      'M5 validation window d_1914..d_1941: WRMSSE at 12 levels vs sNaive / ES computed the same way',
    startedAt,
    parameters: { origin: result.origin, horizon: 28, weights: 'weights_validation.csv' },
    rows,
  };
}

function round(value: number, digits = 4): number {
  return Number(value.toFixed(digits));
}
