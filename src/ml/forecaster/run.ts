import type { DuckDBConnection } from '@duckdb/node-api';
import type { Frequency } from '../features/frequency.ts';
import { type Origin, setOrigins } from '../features/inputs.ts';
import { buildFeatureRows, type FeatureRows, prepareHistory } from '../features/rows.ts';
import { OnnxScorer } from '../onnx/session.ts';
import type { TrainProgress } from '../train/gbdt.ts';
import { exportOnnx } from '../train/onnx-export.ts';
import {
  type ForecasterConfig,
  modelInput,
  type TrainedForecaster,
  toUnits,
  trainForecaster,
} from './gbdt-forecaster.ts';
import { applyIntervalsMany } from './intervals.ts';

export interface TrainingPlan {
  /** Last period with known demand. */
  lastT: number;
  horizon: number;
  /** Number of training origins, `spacing` periods apart, the latest at lastT − 1. */
  origins: number;
  spacing: number;
  /** Share of (series, origin, h) rows kept, per mille. */
  keepPerMille: number;
  /** Origins need at least this many periods of history after the first period. */
  firstT?: number;
  minHistory?: number;
}

/** Training origins: every `spacing` periods back from lastT − 1, each with the horizons whose target is known. */
export function trainingOrigins(plan: TrainingPlan): Origin[] {
  const origins: Origin[] = [];
  for (let k = 0; k < plan.origins; k++) {
    const t = plan.lastT - 1 - plan.spacing * k;
    if (plan.firstT !== undefined && t < plan.firstT + (plan.minHistory ?? 0)) break;
    origins.push({ t, maxH: Math.min(plan.horizon, plan.lastT - t), keepPerMille: plan.keepPerMille });
  }
  return origins;
}

export type StageListener = (stage: string, detail?: string, progress?: TrainProgress) => void;

export interface ModelRun {
  trained: TrainedForecaster;
  onnx: Uint8Array;
  /** The scoring rows (origin lastT, h = 1..horizon) and their forecasts. */
  scoring: FeatureRows;
  mean: Float64Array;
  p10: Float64Array;
  p50: Float64Array;
  p90: Float64Array;
  seconds: { features: number; train: number; score: number; scoreSessionRun: number };
}

/**
 * Trains the global GBDT on the data loaded in the input tables and forecasts `horizon` periods after
 * `plan.lastT`, scoring through the exported ONNX model with onnxruntime (what production runs), not
 * the TypeScript trees.
 */
export interface TrainedModel {
  trained: TrainedForecaster;
  onnx: Uint8Array;
  rows: number;
  seconds: { features: number; train: number };
}

/** Builds training rows for the plan's origins (sql/ml) and trains the GBDT; returns it with its ONNX export. */
export async function trainModel(
  connection: DuckDBConnection,
  frequency: Frequency,
  plan: TrainingPlan,
  config: ForecasterConfig,
  options: { onStage?: StageListener; prepared?: boolean } = {},
): Promise<TrainedModel> {
  const stage = options.onStage ?? (() => {});
  let started = performance.now();
  if (!options.prepared) await prepareHistory(connection);
  stage('features', 'building training rows (sql/ml)');
  await setOrigins(connection, trainingOrigins(plan));
  const rows = await buildFeatureRows(connection, frequency);
  const features = (performance.now() - started) / 1000;
  stage('train', `${rows.n.toLocaleString('en-US')} rows × ${rows.featureNames.length} features`);
  started = performance.now();
  const trained = trainForecaster(rows, config, (progress) => stage('train', undefined, progress));
  const train = (performance.now() - started) / 1000;
  const onnx = exportOnnx(trained.model, { target: trained.target });
  return { trained, onnx, rows: rows.n, seconds: { features, train } };
}

/**
 * Trains the global GBDT on the data loaded in the input tables and forecasts `horizon` periods after
 * `plan.lastT`, scoring through the exported ONNX model with onnxruntime (what production runs), not
 * the TypeScript trees.
 */
export async function trainAndForecast(
  connection: DuckDBConnection,
  frequency: Frequency,
  plan: TrainingPlan,
  config: ForecasterConfig,
  options: { threads?: number; onStage?: StageListener; prepared?: boolean } = {},
): Promise<ModelRun> {
  const stage = options.onStage ?? (() => {});
  const model = await trainModel(connection, frequency, plan, config, options);
  stage('score', 'exporting ONNX and scoring with onnxruntime');
  const started = performance.now();
  const scored = await scoreOrigin(
    connection,
    frequency,
    model.onnx,
    model.trained,
    plan.lastT,
    plan.horizon,
    options.threads,
  );
  return {
    trained: model.trained,
    onnx: model.onnx,
    ...scored,
    seconds: {
      ...model.seconds,
      score: (performance.now() - started) / 1000,
      scoreSessionRun: scored.sessionSeconds,
    },
  };
}

/** Builds the rows of one origin and scores them with an ONNX session; intervals from the calibration. */
export interface ScoredOrigin {
  scoring: FeatureRows;
  mean: Float64Array;
  p10: Float64Array;
  p50: Float64Array;
  p90: Float64Array;
  /** Feature SQL for the origin (state, rows, into typed arrays). */
  featureSeconds: number;
  /** Model scoring: input tensor, onnxruntime in batches, back to units, quantiles. */
  scoringSeconds: number;
  /** The session.run calls alone. */
  sessionSeconds: number;
}

/** Builds the rows of one origin and scores them with an ONNX session; intervals from the calibration. */
export async function scoreOrigin(
  connection: DuckDBConnection,
  frequency: Frequency,
  onnx: Uint8Array,
  trained: {
    model: { featureNames: string[] };
    target: 'raw' | 'scaled';
    intervals: TrainedForecaster['intervals'];
  },
  origin: number,
  horizon: number,
  threads = 1,
): Promise<ScoredOrigin> {
  let started = performance.now();
  await setOrigins(connection, [{ t: origin, maxH: horizon, keepPerMille: 1000 }]);
  // scoring needs no row order (every row carries its series and horizon): skipping the sort of the
  // wide rows saves a large share of the feature SQL
  const scoring = await buildFeatureRows(connection, frequency, { ordered: false });
  const featureSeconds = (performance.now() - started) / 1000;
  const scorer = await OnnxScorer.load(onnx, { threads });
  try {
    started = performance.now();
    const input = modelInput(scoring, trained.model.featureNames);
    const output = await scorer.run(input, scoring.n);
    const sessionSeconds = scorer.lastRunSeconds;
    const mean = toUnits(trained.target, output, scoring.scale);
    const [p10, p50, p90] = applyIntervalsMany(trained.intervals, scoring.h, mean, [0.1, 0.5, 0.9]) as [
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return {
      scoring,
      mean,
      p10,
      p50,
      p90,
      featureSeconds,
      scoringSeconds: (performance.now() - started) / 1000,
      sessionSeconds,
    };
  } finally {
    await scorer.release();
  }
}

/** Scatters row forecasts into one array of `horizon` per series (series_id = index). */
export function bySeries(
  rows: FeatureRows,
  values: ArrayLike<number>,
  seriesCount: number,
  horizon: number,
): Float64Array[] {
  const out = Array.from({ length: seriesCount }, () => new Float64Array(horizon));
  for (let i = 0; i < rows.n; i++) out[rows.seriesId[i]!]![rows.h[i]! - 1] = values[i]!;
  return out;
}
