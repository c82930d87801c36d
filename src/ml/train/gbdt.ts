import { type GbdtModel, leafOf, MODEL_FORMAT, type Tree } from '../gbdt/tree.ts';
import { seededRandom } from '../random.ts';
import { binColumn, binOf, fitBins, MAX_BINS } from './binning.ts';
import { type BinnedData, leafOfBinned, TreeGrower } from './grow.ts';
import { sharedUint8 } from './histogram-workers.ts';
import { type ObjectiveName, objectiveFor } from './objective.ts';

/**
 * A histogram gradient-boosted tree trainer in TypeScript (LightGBM's design: 255-bin histograms,
 * leaf-wise growth, histogram subtraction, row bagging and per-tree feature sampling), with Tweedie,
 * Poisson and L2 objectives. Deterministic for a given seed.
 */
export interface GbdtParams {
  objective: ObjectiveName;
  tweediePower: number;
  numTrees: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessian: number;
  lambdaL2: number;
  minGain: number;
  /** Share of features each tree may use. */
  featureFraction: number;
  /** Share of rows each tree is grown on (1 = no bagging). */
  baggingFraction: number;
  maxBins: number;
  /** Stop when the validation loss has not improved for this many trees (needs `valid`). */
  earlyStoppingRounds: number;
  seed: number;
  /** 2 = build histograms on a worker thread too (used from 100k rows up); results do not change. */
  threads: number;
}

export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  objective: 'tweedie',
  tweediePower: 1.1,
  numTrees: 300,
  learningRate: 0.05,
  numLeaves: 63,
  maxDepth: 10,
  minDataInLeaf: 50,
  minSumHessian: 1e-3,
  lambdaL2: 0.1,
  minGain: 0,
  featureFraction: 0.8,
  baggingFraction: 0.7,
  maxBins: MAX_BINS,
  earlyStoppingRounds: 30,
  seed: 1,
  threads: 2,
};

/** Column-major training data: one Float32Array per feature. NaN is "missing". */
export interface TrainingSet {
  featureNames: string[];
  columns: Float32Array[];
  label: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

export interface TrainProgress {
  tree: number;
  numTrees: number;
  trainLoss?: number;
  validLoss?: number;
}

export interface TrainResult {
  model: GbdtModel;
  /** Validation loss after each tree (when a validation set was given). */
  validCurve: number[];
  bestIteration: number;
  seconds: number;
}

export function trainGbdt(
  train: TrainingSet,
  overrides: Partial<GbdtParams> = {},
  valid?: TrainingSet,
  onProgress?: (progress: TrainProgress) => void,
): TrainResult {
  const started = performance.now();
  const params = { ...DEFAULT_GBDT_PARAMS, ...overrides };
  const objective = objectiveFor(params.objective, params.tweediePower);
  const n = train.label.length;
  const featureCount = train.columns.length;
  if (featureCount !== train.featureNames.length) throw new Error('one name per feature column');

  const parallel = params.threads > 1 && n >= 100_000;
  const binned: BinnedData = { bins: [], uppers: [], binCount: [] };
  for (const column of train.columns) {
    const bins = fitBins(column, params.maxBins);
    binned.uppers.push(bins.uppers);
    binned.binCount.push(bins.count);
    binned.bins.push(binColumn(bins, column, parallel ? sharedUint8(n) : new Uint8Array(n)));
  }

  const baseScore = Math.fround(objective.initScore(train.label, train.weight));
  const score = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const grower = new TreeGrower(binned, params, n, parallel);
  const random = seededRandom(params.seed);
  const bagSize = Math.max(1, Math.round(n * Math.min(1, params.baggingFraction)));
  const bag = bagSize < n ? new Int32Array(bagSize) : undefined;
  const usable = [...Array(featureCount).keys()].filter((f) => binned.binCount[f]! > 1);
  const perTree = Math.max(1, Math.round(usable.length * Math.min(1, params.featureFraction)));

  const validRows = valid ? rowMajor(valid.columns, valid.label.length) : undefined;
  const validScore = valid ? new Float64Array(valid.label.length).fill(baseScore) : undefined;
  const validCurve: number[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestIteration = 0;

  const trees: Tree[] = [];
  for (let t = 0; t < params.numTrees; t++) {
    objective.gradients(train.label, score, grad, hess, train.weight);
    if (bag) sampleRows(n, bag, random);
    const features = perTree < usable.length ? sampleFeatures(usable, perTree, random) : usable;
    const tree = grower.grow(grad, hess, bag, bag ? bagSize : n, features, params.learningRate);
    trees.push(tree);
    const splitBins = treeSplitBins(tree, binned);
    for (let r = 0; r < n; r++) score[r] = score[r]! + tree.value[leafOfBinned(tree, binned, splitBins, r)]!;
    let validLoss: number | undefined;
    if (valid && validRows && validScore) {
      const width = featureCount;
      for (let r = 0; r < valid.label.length; r++) {
        validScore[r] = validScore[r]! + tree.value[leafOf(tree, validRows, r * width)]!;
      }
      validLoss = objective.loss(valid.label, validScore, valid.weight);
      validCurve.push(validLoss);
      if (validLoss < bestLoss - 1e-12) {
        bestLoss = validLoss;
        bestIteration = t + 1;
      } else if (t + 1 - bestIteration >= params.earlyStoppingRounds) {
        onProgress?.({ tree: t + 1, numTrees: params.numTrees, validLoss });
        break;
      }
    }
    onProgress?.({
      tree: t + 1,
      numTrees: params.numTrees,
      ...(validLoss === undefined ? {} : { validLoss }),
    });
  }
  void grower.close();
  const kept = valid ? trees.slice(0, Math.max(1, bestIteration)) : trees;
  const model: GbdtModel = {
    format: MODEL_FORMAT,
    objective: params.objective,
    ...(params.objective === 'tweedie' ? { tweediePower: params.tweediePower } : {}),
    link: objective.link,
    baseScore,
    featureNames: [...train.featureNames],
    trees: kept,
  };
  return {
    model,
    validCurve,
    bestIteration: valid ? bestIteration : trees.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The bin index behind each internal node's float32 threshold (thresholds are bin upper bounds). */
function treeSplitBins(tree: Tree, binned: BinnedData): Int32Array {
  const out = new Int32Array(tree.feature.length);
  for (let node = 0; node < tree.feature.length; node++) {
    const f = tree.feature[node]!;
    if (f >= 0)
      out[node] = binOf({ uppers: binned.uppers[f]!, count: binned.binCount[f]! }, tree.threshold[node]!);
  }
  return out;
}

/** Sorted sample of `size` distinct row indices (Floyd's algorithm would do; a partial shuffle is simpler). */
function sampleRows(n: number, out: Int32Array, random: () => number): void {
  // selection sampling (Knuth's algorithm S): one pass, sorted, exactly out.length rows
  let needed = out.length;
  let k = 0;
  for (let i = 0; i < n && needed > 0; i++) {
    if (random() * (n - i) < needed) {
      out[k++] = i;
      needed--;
    }
  }
}

function sampleFeatures(usable: number[], count: number, random: () => number): number[] {
  const pool = [...usable];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

/** Column-major float32 columns → one row-major Float32Array (the ONNX input layout). */
export function rowMajor(columns: Float32Array[], n: number): Float32Array {
  const width = columns.length;
  const out = new Float32Array(n * width);
  // in blocks of rows, so the block's slice of the output stays in cache while every column is written
  // into it (column by column over all n rows strides through the whole output once per feature)
  const block = 256;
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    for (let f = 0; f < width; f++) {
      const column = columns[f]!;
      for (let r = start, k = start * width + f; r < end; r++, k += width) out[k] = column[r]!;
    }
  }
  return out;
}
