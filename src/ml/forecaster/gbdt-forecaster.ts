import type { FeatureRows } from '../features/rows.ts';
import { filterRows } from '../features/rows.ts';
import { averageModels, type GbdtModel, predict } from '../gbdt/tree.ts';
import { type GbdtParams, rowMajor, type TrainingSet, type TrainProgress, trainGbdt } from '../train/gbdt.ts';
import { calibrateIntervals, type IntervalCalibration } from './intervals.ts';

/**
 * The global demand model: one GBDT over every series and horizon (direct multi-horizon: the horizon is
 * a feature, no recursion). `raw` predicts units (Tweedie on counts, as the M5 winners did at item
 * level); `scaled` predicts units / the series' recent level, so store-sized and item-sized series
 * share one model (the prediction is multiplied back).
 */
export interface ForecasterConfig {
  target: 'raw' | 'scaled';
  /** Features used (default: all `f_` columns of ml_rows). */
  features?: string[];
  /** Rows whose target lies in the last `validPeriods` periods of the training data early-stop the model. */
  validPeriods: number;
  params: Partial<GbdtParams>;
  /** Train this many models with different seeds and average them (variance reduction on small data). */
  ensemble?: number;
}

export interface TrainedForecaster {
  model: GbdtModel;
  target: 'raw' | 'scaled';
  intervals: IntervalCalibration;
  trainRows: number;
  validRows: number;
  bestIteration: number;
  seconds: number;
}

function featureIndex(rows: FeatureRows, names: string[]): number[] {
  return names.map((name) => {
    const index = rows.featureNames.indexOf(name);
    if (index < 0) throw new Error(`feature ${name} is not produced by ml_rows`);
    return index;
  });
}

function toTrainingSet(rows: FeatureRows, names: string[], target: 'raw' | 'scaled'): TrainingSet {
  const index = featureIndex(rows, names);
  const label = new Float64Array(rows.n);
  for (let i = 0; i < rows.n; i++)
    label[i] = target === 'scaled' ? rows.label[i]! / rows.scale[i]! : rows.label[i]!;
  return { featureNames: names, columns: index.map((f) => rows.columns[f]!), label };
}

/** Row-major float32 input of the model's features (the ONNX tensor layout). */
export function modelInput(rows: FeatureRows, names: string[]): Float32Array {
  const index = featureIndex(rows, names);
  return rowMajor(
    index.map((f) => rows.columns[f]!),
    rows.n,
  );
}

export function trainForecaster(
  rows: FeatureRows,
  config: ForecasterConfig,
  onProgress?: (progress: TrainProgress) => void,
): TrainedForecaster {
  const names = config.features ?? rows.featureNames;
  const labelled = filterRows(rows, (i) => !Number.isNaN(rows.label[i]!));
  let lastTarget = 0;
  for (let i = 0; i < labelled.n; i++) lastTarget = Math.max(lastTarget, labelled.targetT[i]!);
  const cut = lastTarget - config.validPeriods;
  const train = filterRows(labelled, (i) => labelled.targetT[i]! <= cut);
  const valid = filterRows(labelled, (i) => labelled.targetT[i]! > cut);
  const trainSet = toTrainingSet(train, names, config.target);
  const validSet = valid.n > 0 ? toTrainingSet(valid, names, config.target) : undefined;
  const members = Math.max(1, config.ensemble ?? 1);
  const results = Array.from({ length: members }, (_, k) =>
    trainGbdt(trainSet, { ...config.params, seed: (config.params.seed ?? 1) + k }, validSet, onProgress),
  );
  const result = {
    model: averageModels(results.map((r) => r.model)),
    bestIteration: Math.round(results.reduce((sum, r) => sum + r.bestIteration, 0) / members),
    seconds: results.reduce((sum, r) => sum + r.seconds, 0),
  };
  const trained: TrainedForecaster = {
    model: result.model,
    target: config.target,
    intervals: { horizonEdges: [], sizeEdges: [], quantiles: [] },
    trainRows: train.n,
    validRows: valid.n,
    bestIteration: result.bestIteration,
    seconds: result.seconds,
  };
  // intervals from the held-out rows: the model never trained on their targets
  const calibrationRows = valid.n > 0 ? valid : train;
  const mean = predictMean(trained, calibrationRows);
  trained.intervals = calibrateIntervals(calibrationRows.h, mean, calibrationRows.label);
  return trained;
}

/** Mean forecast of each row, in units (TypeScript evaluation; scoring jobs use the ONNX session). */
export function predictMean(
  trained: Pick<TrainedForecaster, 'model' | 'target'>,
  rows: FeatureRows,
): Float64Array {
  const out = predict(trained.model, modelInput(rows, trained.model.featureNames), rows.n);
  return toUnits(trained.target, out, rows.scale);
}

/** Model output → units: scaled targets are multiplied back by the row's scale. */
export function toUnits(
  target: 'raw' | 'scaled',
  output: ArrayLike<number>,
  scale: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(output.length);
  for (let i = 0; i < output.length; i++) out[i] = target === 'scaled' ? output[i]! * scale[i]! : output[i]!;
  return out;
}
