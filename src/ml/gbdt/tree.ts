import type { ObjectiveName } from '../train/objective.ts';

/**
 * A regression tree in flat arrays, node 0 the root. Internal nodes send x to `left` when
 * fround(x) <= threshold (ONNX BRANCH_LEQ), NaN to `left` when `missingLeft`; leaves (feature −1)
 * carry a float32 value, exactly what the ONNX TreeEnsembleRegressor stores.
 */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  missingLeft: number[];
  value: number[];
}

export const MODEL_FORMAT = 'retailos-gbdt/1';

export interface GbdtModel {
  format: typeof MODEL_FORMAT;
  objective: ObjectiveName;
  tweediePower?: number;
  /** log: prediction = exp(raw score); identity: the raw score. */
  link: 'log' | 'identity';
  /** Starting raw score (float32), added once to the sum of the trees. */
  baseScore: number;
  featureNames: string[];
  trees: Tree[];
}

/** Leaf index of one row (`x` read at `offset + feature`), float32 comparisons. */
export function leafOf(tree: Tree, x: ArrayLike<number>, offset = 0): number {
  let node = 0;
  const feature = tree.feature;
  while (feature[node]! >= 0) {
    const v = x[offset + feature[node]!]!;
    if (Number.isNaN(v)) node = tree.missingLeft[node] ? tree.left[node]! : tree.right[node]!;
    else node = Math.fround(v) <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

/**
 * Raw scores of rows given row-major (n × features) in float32, summed the way onnxruntime's
 * TreeEnsembleRegressor does for float input: a float32 accumulator over the trees in order, then
 * the base value. Comparing this with the ONNX session is the round-trip test.
 */
export function predictRaw(model: GbdtModel, rows: Float32Array, n: number): Float64Array {
  const width = model.featureNames.length;
  const out = new Float64Array(n);
  const trees = model.trees;
  for (let r = 0; r < n; r++) {
    const offset = r * width;
    let sum = 0;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t]!;
      sum = Math.fround(sum + tree.value[leafOf(tree, rows, offset)]!);
    }
    out[r] = Math.fround(sum + model.baseScore);
  }
  return out;
}

/** Predictions on the response scale (exp for log-link objectives). */
export function predict(model: GbdtModel, rows: Float32Array, n: number): Float64Array {
  const raw = predictRaw(model, rows, n);
  if (model.link === 'log') for (let i = 0; i < n; i++) raw[i] = Math.exp(raw[i]!);
  return raw;
}

/** Split counts per feature over all trees: a cheap importance for model cards. */
export function featureImportance(model: GbdtModel): { feature: string; splits: number }[] {
  const counts = new Array<number>(model.featureNames.length).fill(0);
  for (const tree of model.trees) for (const f of tree.feature) if (f >= 0) counts[f]!++;
  return model.featureNames
    .map((feature, i) => ({ feature, splits: counts[i]! }))
    .sort((a, b) => b.splits - a.splits);
}

/**
 * An ensemble of GBDTs trained with different seeds as one model: every tree's leaves scaled by 1/k and
 * the base scores averaged, so the raw score is the mean of the members' raw scores (for a log link,
 * the geometric mean of their predictions). One ONNX TreeEnsembleRegressor still holds it all.
 */
export function averageModels(models: readonly GbdtModel[]): GbdtModel {
  const first = models[0];
  if (!first) throw new Error('no models to average');
  if (models.length === 1) return first;
  const k = models.length;
  return {
    ...first,
    baseScore: Math.fround(models.reduce((sum, m) => sum + m.baseScore, 0) / k),
    trees: models.flatMap((m) =>
      m.trees.map((tree) => ({ ...tree, value: tree.value.map((v) => Math.fround(v / k)) })),
    ),
  };
}
