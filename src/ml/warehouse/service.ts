import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { RollingResult } from '../evaluate/rolling.ts';
import { rollingOrigin } from '../evaluate/rolling.ts';
import { DAILY } from '../features/frequency.ts';
import { prepareHistory } from '../features/rows.ts';
import type { ForecasterConfig } from '../forecaster/gbdt-forecaster.ts';
import { type StageListener, scoreOrigin, trainModel } from '../forecaster/run.ts';
import { featureImportance } from '../gbdt/tree.ts';
import type { ModelCard, ModelRegistry } from '../registry/registry.ts';
import { warehouseDataset } from './dataset.ts';
import { dayOfIndex, loadWarehouseDemand, type SeriesKind } from './load.ts';
import { type SensingOptions, senseDemand } from './sensing.ts';

export const DEMAND_MODEL = 'demand';

/**
 * What training and evaluation need of the warehouse: a connection to read demand through and keep their
 * temp tables on. They write no warehouse table, so a job may give them a connection of its own (off the
 * server's serialized writer); a Warehouse fits.
 */
export interface WarehouseSource {
  connection: DuckDBConnection;
}

/** The warehouse demand model: Tweedie on units (sku × node and sku × channel are item-level, intermittent). */
export const WAREHOUSE_CONFIG: ForecasterConfig = {
  target: 'raw',
  validPeriods: 14,
  params: {
    objective: 'tweedie',
    tweediePower: 1.2,
    numTrees: 400,
    learningRate: 0.06,
    numLeaves: 31,
    minDataInLeaf: 50,
    featureFraction: 0.8,
    baggingFraction: 0.7,
    earlyStoppingRounds: 40,
  },
};

/** Training origins (weekly, up to a year back) and the row budget that sets the sampling rate. */
export const WAREHOUSE_PLAN = { origins: 52, spacing: 7, rowBudget: 1_000_000 };

export interface WarehouseScope {
  asOf?: string;
  historyDays: number;
  horizon: number;
  kinds: readonly SeriesKind[];
}

export function samplingPerMille(series: number, origins: number, horizon: number, budget: number): number {
  const rows = series * origins * horizon;
  return Math.max(1, Math.min(1000, Math.round((budget / Math.max(1, rows)) * 1000)));
}

async function loadScope(connection: DuckDBConnection, scope: WarehouseScope) {
  const loaded = await loadWarehouseDemand(connection, {
    historyDays: scope.historyDays,
    horizon: scope.horizon,
    kinds: scope.kinds,
    ...(scope.asOf ? { asOf: scope.asOf } : {}),
  });
  if (!loaded || loaded.series === 0) throw new NoDemandError();
  return loaded;
}

export class NoDemandError extends Error {
  constructor() {
    super('The warehouse has no demand events (pos_sale, shipped, order_placed) in the window.');
  }
}

/** Content hash of the loaded demand: count and an order-independent sum of row hashes. */
async function demandHash(connection: DuckDBConnection): Promise<string> {
  const row = (
    await connection.runAndReadAll(`
      SELECT count(*)::VARCHAR AS n, (sum(hash(s.series_key, d.t, d.qty)) % 18446744073709551616)::VARCHAR AS h
      FROM ml_demand d JOIN ml_series s USING (series_id) WHERE d.qty IS NOT NULL`)
  ).getRowObjectsJS()[0]!;
  return `${row.n}:${BigInt(row.h as string)
    .toString(16)
    .padStart(16, '0')}`;
}

export interface TrainOutcome {
  card: ModelCard;
  holdout?: RollingResult;
  activated: boolean;
}

/**
 * Trains a demand model on the warehouse and saves it with its card. With `holdout`, the same
 * configuration is first scored on the last `horizon` days (trained without them) against seasonal
 * naive and ETS; the numbers go on the card, and `activate: 'auto'` activates the new model only if
 * it beat seasonal naive there (else it stays a candidate).
 */
export async function trainWarehouseModel(
  warehouse: WarehouseSource,
  options: WarehouseScope & {
    registry: ModelRegistry;
    holdout: boolean;
    activate: 'auto' | 'always' | 'never';
    params?: ForecasterConfig['params'];
    threads?: number;
    onStage?: StageListener;
  },
): Promise<TrainOutcome> {
  const stage = options.onStage ?? (() => {});
  const connection = warehouse.connection;
  stage('load', 'daily demand from the warehouse (sql/ml/wh_*.sql)');
  const loaded = await loadScope(connection, options);
  const config: ForecasterConfig = {
    ...WAREHOUSE_CONFIG,
    params: { ...WAREHOUSE_CONFIG.params, ...options.params },
  };
  const keepPerMille = samplingPerMille(
    loaded.series,
    WAREHOUSE_PLAN.origins,
    options.horizon,
    WAREHOUSE_PLAN.rowBudget,
  );
  const plan = { origins: WAREHOUSE_PLAN.origins, spacing: WAREHOUSE_PLAN.spacing, keepPerMille };
  let holdout: RollingResult | undefined;
  if (options.holdout) {
    stage('holdout', `last ${options.horizon} days held out`);
    const dataset = await warehouseDataset(connection, config, plan, options.horizon);
    holdout = await rollingOrigin(dataset, {
      folds: 1,
      baselines: ['snaive', 'ets'],
      threads: options.threads ?? 1,
      onStage: (s, d, p) => stage(`holdout ${s}`, d, p),
    });
  }
  await prepareHistory(connection);
  const firstT = (
    await connection.runAndReadAll('SELECT min(t)::INTEGER AS t FROM ml_demand')
  ).getRowObjectsJS()[0]!.t as number;
  const model = await trainModel(
    connection,
    DAILY,
    { lastT: loaded.asOfT, horizon: options.horizon, ...plan, firstT, minHistory: DAILY.w_base },
    config,
    { prepared: true, onStage: stage },
  );
  const scores = holdout ? Object.fromEntries(holdout.scores.map((s) => [s.model, s])) : undefined;
  const beatsNaive = scores ? scores.gbdt!.rmsse < scores.snaive!.rmsse : true;
  const activate = options.activate === 'always' || (options.activate === 'auto' && beatsNaive);
  const registry = options.registry;
  const card = registry.save(
    {
      name: DEMAND_MODEL,
      version: registry.nextVersion(DEMAND_MODEL),
      status: activate ? 'active' : 'candidate',
      createdAt: new Date().toISOString(),
      kind: 'gbdt-onnx',
      target: model.trained.target,
      objective: model.trained.model.objective,
      ...(model.trained.model.tweediePower ? { tweediePower: model.trained.model.tweediePower } : {}),
      trees: model.trained.model.trees.length,
      frequency: 'daily',
      horizon: options.horizon,
      seriesKinds: [...options.kinds],
      features: model.trained.model.featureNames,
      trainingWindow: { from: dayOfIndex(firstT), to: loaded.asOf, series: loaded.series, rows: model.rows },
      dataHash: await demandHash(connection),
      params: {
        ...config.params,
        historyDays: options.historyDays,
        ...plan,
        stockoutFlags: loaded.stockoutFlags,
      },
      intervals: model.trained.intervals,
      metrics: {
        training: {
          trainRows: model.trained.trainRows,
          validRows: model.trained.validRows,
          seconds: model.seconds,
        },
        ...(holdout
          ? {
              holdout: {
                origin: dayOfIndex(holdout.origins[0]!),
                horizon: holdout.horizon,
                scores: holdout.scores,
              },
            }
          : {}),
      },
      importance: featureImportance(model.trained.model).slice(0, 15),
    },
    model.onnx,
  );
  return { card, ...(holdout ? { holdout } : {}), activated: activate };
}

export interface PredictOutcome {
  runId: number;
  card: ModelCard;
  originDate: string;
  series: number;
  rows: number;
  signals: number;
  seconds: number;
}

/**
 * The scoring job: the active model forecasts the next `card.horizon` days of every series; the run is
 * stored (forecast_runs, forecast_history → the `forecasts` view), then demand sensing flags series
 * running above plan (demand_signals).
 */
export async function predictWarehouse(
  warehouse: Warehouse,
  options: {
    registry: ModelRegistry;
    asOf?: string;
    threads?: number;
    sensing?: Partial<SensingOptions>;
    onStage?: StageListener;
  },
): Promise<PredictOutcome> {
  const started = performance.now();
  const stage = options.onStage ?? (() => {});
  const card = options.registry.active(DEMAND_MODEL);
  if (!card) throw new NoActiveModelError(options.registry.dir);
  const onnx = options.registry.readOnnx(card);
  const connection = warehouse.connection;
  stage('load', 'daily demand from the warehouse');
  const loaded = await loadScope(connection, {
    historyDays: Number(card.params.historyDays ?? 730),
    horizon: card.horizon,
    kinds: card.seriesKinds as SeriesKind[],
    ...(options.asOf ? { asOf: options.asOf } : {}),
  });
  await prepareHistory(connection);
  stage('score', `${card.id} on ${loaded.series} series (onnxruntime)`);
  const model = { model: { featureNames: card.features }, target: card.target, intervals: card.intervals };
  const scored = await scoreOrigin(
    connection,
    DAILY,
    onnx,
    model,
    loaded.asOfT,
    card.horizon,
    options.threads,
  );
  const runId = await storeRun(warehouse, card, loaded.asOf, scored);
  stage('sensing', 'recent demand against plan');
  const signals = await senseDemand(warehouse, {
    runId,
    origin: loaded.asOfT,
    onnx,
    model,
    next: scored,
    threads: options.threads ?? 1,
    ...options.sensing,
  });
  return {
    runId,
    card,
    originDate: loaded.asOf,
    series: loaded.series,
    rows: scored.scoring.n,
    signals,
    seconds: (performance.now() - started) / 1000,
  };
}

export class NoActiveModelError extends Error {
  constructor(dir: string) {
    super(`No active demand model in ${dir}. Train one first: retailos forecast train`);
  }
}

async function storeRun(
  warehouse: Warehouse,
  card: ModelCard,
  originDate: string,
  scored: Awaited<ReturnType<typeof scoreOrigin>>,
): Promise<number> {
  return warehouse.transaction(async () => {
    const next = await warehouse.one<{ id: number }>(
      'SELECT (coalesce(max(run_id), 0) + 1)::INTEGER AS id FROM forecast_runs',
    );
    const runId = next!.id;
    const series = new Set(Array.from(scored.scoring.seriesId)).size;
    await warehouse.run(
      'INSERT INTO forecast_runs (run_id, model_version, origin_date, horizon, series) VALUES ($r, $m, $o::DATE, $h, $s)',
      { r: runId, m: card.id, o: originDate, h: card.horizon, s: series },
    );
    await warehouse.run(
      'CREATE OR REPLACE TEMP TABLE ml_scored (series_id INTEGER, h INTEGER, mean DOUBLE, p10 DOUBLE, p50 DOUBLE, p90 DOUBLE)',
    );
    const appender = await warehouse.connection.createAppender('ml_scored', 'main', 'temp');
    const { scoring, mean, p10, p50, p90 } = scored;
    for (let i = 0; i < scoring.n; i++) {
      appender.appendInteger(scoring.seriesId[i]!);
      appender.appendInteger(scoring.h[i]!);
      appender.appendDouble(mean[i]!);
      appender.appendDouble(p10[i]!);
      appender.appendDouble(p50[i]!);
      appender.appendDouble(p90[i]!);
      appender.endRow();
    }
    appender.closeSync();
    await warehouse.run(
      `INSERT INTO forecast_history
       SELECT $r, CASE WHEN s.node_id IS NOT NULL THEN 'node' ELSE 'channel' END, s.sku, s.node_id, s.channel_id,
         $o::DATE + to_days(f.h), f.h, f.mean, f.p10, f.p50, f.p90
       FROM ml_scored f JOIN ml_series s USING (series_id)`,
      { r: runId, o: originDate },
    );
    return runId;
  });
}

/** Rolling-origin evaluation of every baseline and the GBDT on the warehouse's own demand. */
export async function evaluateWarehouse(
  warehouse: WarehouseSource,
  options: WarehouseScope & {
    folds: number;
    baselines?: string[];
    threads?: number;
    onStage?: StageListener;
  },
): Promise<RollingResult> {
  const loaded = await loadScope(warehouse.connection, options);
  const keepPerMille = samplingPerMille(
    loaded.series,
    WAREHOUSE_PLAN.origins,
    options.horizon,
    WAREHOUSE_PLAN.rowBudget,
  );
  const dataset = await warehouseDataset(
    warehouse.connection,
    WAREHOUSE_CONFIG,
    { origins: WAREHOUSE_PLAN.origins, spacing: WAREHOUSE_PLAN.spacing, keepPerMille },
    options.horizon,
  );
  return rollingOrigin(dataset, {
    folds: options.folds,
    ...(options.baselines ? { baselines: options.baselines } : {}),
    threads: options.threads ?? 1,
    ...(options.onStage ? { onStage: options.onStage } : {}),
  });
}
