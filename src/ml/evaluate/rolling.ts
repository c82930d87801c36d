import { DuckDBInstance } from '@duckdb/node-api';
import { BASELINES } from '../baselines/index.ts';
import type { Forecast } from '../baselines/types.ts';
import { loadSeries } from '../features/load-series.ts';
import { bySeries, type StageListener, trainAndForecast } from '../forecaster/run.ts';
import { bias, coverage, mae, naiveScale, rmsse } from '../metrics/accuracy.ts';
import { type EvalDataset, lastPeriod, truncate } from './dataset.ts';

export interface ModelScore {
  model: string;
  /** Mean RMSSE over series × folds (scale: the one-step naive MSE of each series' history). */
  rmsse: number;
  /**
   * WRMSSE: per fold Σ w·RMSSE / Σ w with w = each series' sales over the last horizon before the origin
   * (in money when prices are known, else units; M5's weighting), averaged over folds.
   */
  wrmsse: number;
  /** Mean absolute error, units. */
  mae: number;
  /** Σ(forecast − actual) / Σ actual over all series and folds: + means over-forecast. */
  relativeBias: number;
  /** Share of actuals inside the 80% interval (target 0.8). */
  coverage80: number;
  /** Seconds spent fitting and forecasting over all folds. */
  seconds: number;
}

export interface RollingResult {
  dataset: string;
  description: string;
  series: number;
  horizon: number;
  origins: number[];
  scores: ModelScore[];
  gbdt?: { trees: number[]; trainRows: number[]; trainSeconds: number; scoreSeconds: number };
}

export const GBDT = 'gbdt';

/**
 * Rolling-origin evaluation: `folds` origins, one horizon apart, the last one a horizon before the end
 * of the data; at each, every model sees only the data up to the origin (the dataset is cut there, so
 * nothing later can leak) and forecasts the next horizon. Stockout periods are not scored.
 */
export async function rollingOrigin(
  dataset: EvalDataset,
  options: {
    folds?: number;
    baselines?: string[];
    gbdt?: boolean;
    threads?: number;
    onStage?: StageListener;
  } = {},
): Promise<RollingResult> {
  const folds = options.folds ?? 3;
  const baselines = options.baselines ?? Object.keys(BASELINES);
  const stage = options.onStage ?? (() => {});
  const end = lastPeriod(dataset);
  const H = dataset.horizon;
  const origins = Array.from({ length: folds }, (_, k) => end - (folds - k) * H);
  const models = [...baselines, ...(options.gbdt === false ? [] : [GBDT])];
  const acc = new Map(
    models.map((m) => [
      m,
      {
        rmsse: [] as number[],
        weighted: [] as number[],
        mae: [] as number[],
        error: 0,
        actual: 0,
        inside: 0,
        count: 0,
        seconds: 0,
      },
    ]),
  );
  const gbdtInfo = { trees: [] as number[], trainRows: [] as number[], trainSeconds: 0, scoreSeconds: 0 };

  for (const origin of origins) {
    const cut = truncate(dataset, origin);
    const actuals = cut.series.map((s) => {
      const full = dataset.series.find((candidate) => candidate.key === s.key)!;
      return Array.from({ length: H }, (_, h) => {
        const k = origin + 1 + h - full.start;
        if (k >= full.values.length) return Number.NaN;
        if (full.inStock && full.inStock[k] === false) return Number.NaN;
        return full.values[k]!;
      });
    });
    const histories = cut.series.map((s) => Array.from(s.values));
    const weights = cut.series.map((s, i) => {
      const history = histories[i]!;
      let w = 0;
      for (let k = Math.max(0, history.length - H); k < history.length; k++) {
        const price = s.prices?.[k];
        w += (history[k]! || 0) * (price !== undefined && Number.isFinite(price) ? price : 1);
      }
      return w;
    });
    const record = (model: string, forecasts: Forecast[], seconds: number): void => {
      const a = acc.get(model)!;
      a.seconds += seconds;
      let weighted = 0;
      let totalWeight = 0;
      forecasts.forEach((f, i) => {
        const actual = actuals[i]!;
        const scale = naiveScale(histories[i]!);
        if (!(scale > 0) || actual.every(Number.isNaN)) return;
        const score = rmsse(actual, f.mean, scale);
        a.rmsse.push(score);
        weighted += weights[i]! * score;
        totalWeight += weights[i]!;
        a.mae.push(mae(actual, f.mean));
        const valid = actual.filter((v) => !Number.isNaN(v)).length;
        a.error += bias(actual, f.mean) * valid;
        a.actual += actual.reduce((sum, v) => (Number.isNaN(v) ? sum : sum + v), 0);
        a.inside += coverage(actual, f.lower, f.upper) * valid;
        a.count += valid;
      });
      if (totalWeight > 0) a.weighted.push(weighted / totalWeight);
    };
    for (const name of baselines) {
      stage(`${dataset.name} origin ${origin}`, name);
      const started = performance.now();
      const forecaster = BASELINES[name];
      if (!forecaster) throw new Error(`unknown baseline ${name}`);
      const forecasts = histories.map((history) =>
        forecaster(history, { horizon: H, seasonality: dataset.seasonality }),
      );
      record(name, forecasts, (performance.now() - started) / 1000);
    }
    if (options.gbdt !== false) {
      const started = performance.now();
      const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads ?? 2) });
      const connection = await instance.connect();
      try {
        await loadSeries(connection, cut.series, cut.calendar, {
          future: H,
          ...(cut.regionDays ? { regionDays: cut.regionDays } : {}),
        });
        const firstT = Math.min(...cut.series.map((s) => s.start));
        const run = await trainAndForecast(
          connection,
          dataset.frequency,
          {
            lastT: origin,
            horizon: H,
            origins: dataset.gbdt.origins,
            spacing: dataset.gbdt.spacing,
            keepPerMille: dataset.gbdt.keepPerMille,
            firstT,
            minHistory: dataset.frequency.w_base,
          },
          dataset.gbdt.config,
          {
            threads: options.threads ?? 1,
            onStage: (s, d, p) => stage(`${dataset.name} origin ${origin} gbdt ${s}`, d, p),
          },
        );
        const n = cut.series.length;
        const mean = bySeries(run.scoring, run.mean, n, H);
        const lower = bySeries(run.scoring, run.p10, n, H);
        const upper = bySeries(run.scoring, run.p90, n, H);
        record(
          GBDT,
          mean.map((m, i) => ({ mean: m, lower: lower[i]!, upper: upper[i]! })),
          (performance.now() - started) / 1000,
        );
        gbdtInfo.trees.push(run.trained.model.trees.length);
        gbdtInfo.trainRows.push(run.trained.trainRows);
        gbdtInfo.trainSeconds += run.seconds.train;
        gbdtInfo.scoreSeconds += run.seconds.score;
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    }
  }
  const average = (values: number[]): number =>
    values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  return {
    dataset: dataset.name,
    description: dataset.description,
    series: dataset.series.length,
    horizon: H,
    origins,
    scores: models.map((model) => {
      const a = acc.get(model)!;
      return {
        model,
        rmsse: average(a.rmsse),
        wrmsse: average(a.weighted),
        mae: average(a.mae),
        relativeBias: a.actual > 0 ? a.error / a.actual : Number.NaN,
        coverage80: a.count > 0 ? a.inside / a.count : Number.NaN,
        seconds: a.seconds,
      };
    }),
    ...(options.gbdt === false ? {} : { gbdt: gbdtInfo }),
  };
}
