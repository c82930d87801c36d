import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { DAILY } from '../features/frequency.ts';
import { loadSeries, type SeriesInput } from '../features/load-series.ts';
import { CORE_FEATURES } from '../features/sets.ts';
import type { ForecasterConfig } from '../forecaster/gbdt-forecaster.ts';
import { bySeries, type ModelRun, type StageListener, trainAndForecast } from '../forecaster/run.ts';
import type { AggregateModelSpec } from './aggregate-model.ts';
import { levelGroups } from './evaluate.ts';
import { loadM5, loadM5Calendar } from './load.ts';
import { type M5Aggregates, type M5Wide, readM5Aggregates, readM5Wide } from './wide.ts';

/**
 * M5 mode: two global GBDTs and a middle-out reconciliation.
 * 1. Item × store (30,490 series): Tweedie on units, from the item file's history.
 * 2. Store × department (level 9, 70 series): on units / recent level, from the full-history
 *    aggregates when given (else the item sums), which carry the yearly pattern the items lack.
 * 3. Each item's forecast is scaled so its store × department sums to model 2's forecast: model 2 sets
 *    the totals (levels 1–9 are sums of level 9), model 1 the split between items.
 * Both models are trained on days <= origin only and scored through their ONNX export.
 */
export interface M5Options {
  sales: string;
  calendar: string;
  prices?: string;
  aggregates?: string;
  horizon: number;
  /** Days at the end of the sales file held out (not used for training) and forecast instead. */
  holdout: number;
  threads?: number;
  onStage?: StageListener;
}

export const M5_ITEM_CONFIG: ForecasterConfig = {
  target: 'raw',
  // chosen on the development fold (origin d_1885): levels 1–9 0.503 with the core set, 0.524 with all
  features: [...CORE_FEATURES],
  validPeriods: 14,
  params: {
    objective: 'tweedie',
    tweediePower: 1.1,
    numTrees: 300,
    learningRate: 0.08,
    numLeaves: 63,
    minDataInLeaf: 100,
    featureFraction: 0.7,
    baggingFraction: 0.5,
    earlyStoppingRounds: 40,
  },
};
export const M5_ITEM_PLAN = { origins: 8, spacing: 7, keepPerMille: 150 };

export const M5_GROUP_CONFIG: ForecasterConfig = {
  target: 'scaled',
  features: [...CORE_FEATURES],
  validPeriods: 28,
  params: {
    objective: 'tweedie',
    tweediePower: 1.5,
    numTrees: 1000,
    learningRate: 0.05,
    numLeaves: 31,
    minDataInLeaf: 50,
    featureFraction: 0.8,
    baggingFraction: 0.7,
    earlyStoppingRounds: 60,
  },
};
export const M5_GROUP_PLAN = { origins: 240, spacing: 3, keepPerMille: 1000 };

/**
 * The store × department models whose mean sets levels 1–9 (chosen on the development fold d_1885,
 * bench/forecast-m5-dev.ts, levels 1–9: `l9` 0.410, a power-1.2 Tweedie on 60% of the features 0.402,
 * their mean 0.404, an L2 loss 0.415, one model over all nine levels reconciled by WLS 0.419–0.422).
 */
export const M5_AGGREGATE_MODELS: AggregateModelSpec[] = [
  {
    name: 'l9-p12',
    levels: [9],
    config: {
      ...M5_GROUP_CONFIG,
      params: { ...M5_GROUP_CONFIG.params, tweediePower: 1.2, seed: 7, featureFraction: 0.6 },
    },
    plan: M5_GROUP_PLAN,
  },
];

export interface M5Result {
  wide: M5Wide;
  aggregates?: M5Aggregates;
  origin: number;
  horizon: number;
  /** Final (reconciled) item × store forecasts, in input order. */
  forecasts: Float64Array[];
  /** Item model forecasts before reconciliation. */
  itemForecasts: Float64Array[];
  /** Item × store 10% and 90% quantiles (item model's intervals, rescaled with the mean). */
  p10: Float64Array[];
  p90: Float64Array[];
  itemRun: ModelRun;
  groupRun: ModelRun;
  seconds: number;
}

export async function forecastM5(options: M5Options): Promise<M5Result> {
  const started = performance.now();
  const stage = options.onStage ?? (() => {});
  stage('load', `reading ${options.sales}`);
  const wide = readM5Wide(options.sales);
  const origin = wide.lastDay - options.holdout;
  if (origin <= wide.firstDay + 56) throw new Error('the sales file needs at least 57 days of history');
  const aggregates = options.aggregates ? readM5Aggregates(options.aggregates) : undefined;

  const itemRun = await withConnection(options.threads, async (connection) => {
    stage('load', 'item × store series → feature inputs');
    await loadM5(
      connection,
      {
        sales: options.sales,
        calendar: options.calendar,
        ...(options.prices ? { prices: options.prices } : {}),
      },
      { lastDay: origin, horizon: options.horizon },
    );
    return trainAndForecast(
      connection,
      DAILY,
      { lastT: origin, horizon: options.horizon, ...M5_ITEM_PLAN },
      M5_ITEM_CONFIG,
      { threads: options.threads ?? 1, onStage: (s, d, p) => stage(`item ${s}`, d, p) },
    );
  });
  const itemForecasts = bySeries(itemRun.scoring, itemRun.mean, wide.ids.length, options.horizon);
  const p10 = bySeries(itemRun.scoring, itemRun.p10, wide.ids.length, options.horizon);
  const p90 = bySeries(itemRun.scoring, itemRun.p90, wide.ids.length, options.horizon);

  const groups = [...levelGroups(wide.keys).get(9)!.entries()];
  const groupRuns: ModelRun[] = [];
  for (const spec of M5_AGGREGATE_MODELS) {
    const run = await withConnection(options.threads, async (connection) => {
      stage('load', `store × department series → feature inputs (${spec.name})`);
      const series: SeriesInput[] = groups.map(([key, members]) => {
        const [store, dept] = key.split('/') as [string, string];
        const history = groupHistory(wide, aggregates, key, members, origin);
        return {
          key,
          location: store,
          category: dept,
          region: store.slice(0, 2),
          start: history.start,
          values: history.values,
        };
      });
      await loadSeries(connection, series, [], { future: options.horizon });
      await loadM5Calendar(connection, options.calendar);
      return trainAndForecast(
        connection,
        DAILY,
        { lastT: origin, horizon: options.horizon, ...spec.plan },
        spec.config,
        {
          threads: options.threads ?? 1,
          onStage: (s, d, p) => stage(`store×dept ${spec.name} ${s}`, d, p),
        },
      );
    });
    groupRuns.push(run);
  }
  // the store × department models' mean (an ensemble of differently trained models)
  const groupForecasts = groups.map(() => new Float64Array(options.horizon));
  for (const run of groupRuns) {
    bySeries(run.scoring, run.mean, groups.length, options.horizon).forEach((f, g) => {
      for (let h = 0; h < options.horizon; h++) {
        groupForecasts[g]![h] = groupForecasts[g]![h]! + f[h]! / groupRuns.length;
      }
    });
  }
  const groupRun = groupRuns[0]!;

  stage('reconcile', 'items scaled to the store × department forecasts');
  const forecasts = itemForecasts.map((f) => Float64Array.from(f));
  groups.forEach(([, members], g) => {
    for (let h = 0; h < options.horizon; h++) {
      let sum = 0;
      for (const m of members) sum += itemForecasts[m]![h]!;
      const total = groupForecasts[g]![h]!;
      if (sum > 0) {
        const factor = total / sum;
        for (const m of members) {
          forecasts[m]![h] = itemForecasts[m]![h]! * factor;
          p10[m]![h] = p10[m]![h]! * factor;
          p90[m]![h] = p90[m]![h]! * factor;
        }
      } else {
        // no item-level signal: spread the total evenly
        for (const m of members) forecasts[m]![h] = total / members.length;
      }
    }
  });
  return {
    wide,
    ...(aggregates ? { aggregates } : {}),
    origin,
    horizon: options.horizon,
    forecasts,
    itemForecasts,
    p10,
    p90,
    itemRun,
    groupRun,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * A store × department history through `origin`: the full-history aggregate where it reaches, then
 * the item sums (the aggregates end at d_1913; the item file runs to d_1941).
 */
export function groupHistory(
  wide: M5Wide,
  aggregates: M5Aggregates | undefined,
  key: string,
  members: number[],
  origin: number,
): { start: number; values: Float64Array } {
  const itemSum = (day: number): number => {
    let sum = 0;
    for (const m of members) sum += wide.values[m]![day - wide.firstDay]!;
    return sum;
  };
  const full = aggregates?.levels.get(9)?.get(key);
  if (!full || !aggregates) {
    const values = new Float64Array(origin - wide.firstDay + 1);
    for (let d = wide.firstDay; d <= origin; d++) values[d - wide.firstDay] = itemSum(d);
    return { start: wide.firstDay, values };
  }
  const values = new Float64Array(origin - aggregates.firstDay + 1);
  for (let d = aggregates.firstDay; d <= origin; d++) {
    values[d - aggregates.firstDay] = d <= aggregates.lastDay ? full[d - aggregates.firstDay]! : itemSum(d);
  }
  return { start: aggregates.firstDay, values };
}

async function withConnection<T>(
  threads: number | undefined,
  work: (connection: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads ?? 2) });
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Writes an M5 submission: `id,F1..Fh`, one row per input series, ids as in the input. Temp file, then rename. */
export function writeSubmission(
  file: string,
  ids: readonly string[],
  forecasts: readonly ArrayLike<number>[],
): void {
  const horizon = forecasts[0]?.length ?? 0;
  const lines = [['id', ...Array.from({ length: horizon }, (_, h) => `F${h + 1}`)].join(',')];
  ids.forEach((id, i) => {
    const values = Array.from(forecasts[i]!, (v) => formatNumber(v));
    lines.push([csvCell(id), ...values].join(','));
  });
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, `${lines.join('\n')}\n`);
  fs.renameSync(temp, file);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '0';
  return Number(value.toPrecision(7)).toString();
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
