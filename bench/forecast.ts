import { DuckDBInstance } from '@duckdb/node-api';
import { simulateItems } from '../src/ml/data/simulated.ts';
import { DAILY } from '../src/ml/features/frequency.ts';
import { loadSeries } from '../src/ml/features/load-series.ts';
import { modelInput } from '../src/ml/forecaster/gbdt-forecaster.ts';
import { scoreOrigin, trainModel } from '../src/ml/forecaster/run.ts';
import { OnnxScorer } from '../src/ml/onnx/session.ts';
import { samplingPerMille, WAREHOUSE_CONFIG, WAREHOUSE_PLAN } from '../src/ml/warehouse/service.ts';
import type { BenchReport } from './lib/report.ts';

/**
 * `forecast` (BENCHMARKS.md): train + 28-day forecast for 30k sku × node series with two years of
 * daily history (simulated: weekly pattern, drift, promotions, stockouts), through the production path —
 * feature SQL in DuckDB, the TypeScript GBDT, ONNX export, onnxruntime scoring with intervals. Scoring
 * throughput is compared with a bare `session.run` over the same input tensor in the same process.
 */
export async function benchForecast(
  options: { series?: number; threads?: number } = {},
): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const series = options.series ?? 30_000;
  const threads = options.threads ?? 2;
  const stores = 5;
  const days = 730;
  const horizon = 28;
  let t = performance.now();
  const dataset = simulateItems({ items: Math.ceil(series / stores), stores, days, seed: 5 });
  dataset.series.length = series;
  const generateSeconds = (performance.now() - t) / 1000;

  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  try {
    t = performance.now();
    await loadSeries(connection, dataset.series, dataset.calendar, { future: horizon });
    const loadSeconds = (performance.now() - t) / 1000;

    const keepPerMille = samplingPerMille(series, WAREHOUSE_PLAN.origins, horizon, WAREHOUSE_PLAN.rowBudget);
    t = performance.now();
    const model = await trainModel(
      connection,
      DAILY,
      {
        lastT: days,
        horizon,
        origins: WAREHOUSE_PLAN.origins,
        spacing: WAREHOUSE_PLAN.spacing,
        keepPerMille,
        firstT: 1,
        minHistory: DAILY.w_base,
      },
      WAREHOUSE_CONFIG,
      {
        onStage: (stage, detail, progress) => {
          if (detail) process.stderr.write(`forecast: ${stage}: ${detail}\n`);
          if (progress && progress.tree % 50 === 0) process.stderr.write(`forecast: tree ${progress.tree}\n`);
        },
      },
    );
    const trainSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const scored = await scoreOrigin(connection, DAILY, model.onnx, model.trained, days, horizon, threads);
    const scoreSeconds = (performance.now() - t) / 1000;
    const totalSeconds = trainSeconds + scoreSeconds;

    // bare session.run over the same rows, same session settings and batches
    const input = modelInput(scored.scoring, model.trained.model.featureNames);
    const scorer = await OnnxScorer.load(model.onnx, { threads });
    t = performance.now();
    await scorer.run(input, scored.scoring.n);
    const bareSeconds = (performance.now() - t) / 1000;
    await scorer.release();
    const rows = scored.scoring.n;
    const ours = rows / scoreSeconds;
    const bare = rows / bareSeconds;
    return {
      name: 'forecast',
      description: `train + ${horizon}-day forecast, ${series.toLocaleString('en-US')} sku × node series × ${days} days (simulated)`,
      startedAt,
      parameters: {
        series,
        days,
        horizon,
        threads,
        trainingRows: model.rows,
        trees: model.trained.model.trees.length,
        features: model.trained.model.featureNames.length,
        keepPerMille,
      },
      rows: [
        { metric: 'generate seconds (not timed)', value: round(generateSeconds), unit: 's' },
        { metric: 'load into DuckDB seconds (not timed)', value: round(loadSeconds), unit: 's' },
        { metric: 'feature SQL seconds (training rows)', value: round(model.seconds.features), unit: 's' },
        { metric: 'GBDT training seconds', value: round(model.seconds.train), unit: 's' },
        {
          metric: 'forecast seconds (features + ONNX scoring + intervals)',
          value: round(scoreSeconds),
          unit: 's',
        },
        {
          metric: 'train + forecast seconds',
          value: round(totalSeconds),
          unit: 's',
          target: '<= 600',
          ok: totalSeconds <= 600,
        },
        { metric: 'scoring rows/s (ours, end to end)', value: Math.round(ours), unit: 'rows/s' },
        { metric: 'bare session.run rows/s', value: Math.round(bare), unit: 'rows/s' },
        {
          metric: 'scoring ratio to bare session.run',
          value: round(ours / bare, 3),
          unit: 'x',
          target: '>= 0.3',
          ok: ours / bare >= 0.3,
        },
        { metric: 'forecast rows', value: rows, unit: 'rows' },
      ],
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}
