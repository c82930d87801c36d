import type { Tree } from '../gbdt/tree.ts';
import { MISSING_BIN } from './binning.ts';
import { HistogramWorker, sharedFloat64, sharedInt32 } from './histogram-workers.ts';

/** Per bin: sum of gradients, sum of hessians, row count. */
const STRIDE = 3;
const FEATURE_SPAN = 256 * STRIDE;

export interface GrowParams {
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessian: number;
  lambdaL2: number;
  minGain: number;
}

export interface BinnedData {
  /** One Uint8 column per feature (MISSING_BIN = NaN). */
  bins: Uint8Array[];
  /** Float32 upper bound of each regular bin of each feature. */
  uppers: Float32Array[];
  /** Regular bins per feature. */
  binCount: number[];
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  leftG: number;
  leftH: number;
  leftCount: number;
}

interface Leaf {
  node: number;
  begin: number;
  end: number;
  depth: number;
  sumG: number;
  sumH: number;
  hist: Float64Array;
  split: Split | null;
}

/**
 * Grows one tree leaf-wise (best-first, as LightGBM): the leaf with the largest gain splits next until
 * `numLeaves` or no split helps. Histograms of (gradient, hessian, count) per bin; a child's histogram
 * is built for the smaller child only, the larger one is the parent's minus it. Rows of a leaf are a
 * contiguous range of `indices`, partitioned in place on each split.
 */
export class TreeGrower {
  private readonly indices: Int32Array;
  private readonly scratch: Int32Array;
  private readonly ghLeaf: Float64Array;
  private readonly pool: Float64Array[] = [];
  private readonly worker: HistogramWorker | undefined;

  /** `parallel`: build histograms on a second thread too (the bins must be SharedArrayBuffer-backed). */
  constructor(
    private readonly data: BinnedData,
    private readonly params: GrowParams,
    capacity: number,
    parallel = false,
  ) {
    this.indices = parallel ? sharedInt32(capacity) : new Int32Array(capacity);
    this.scratch = new Int32Array(capacity);
    this.ghLeaf = parallel ? sharedFloat64(2 * capacity) : new Float64Array(2 * capacity);
    this.worker = parallel ? new HistogramWorker(data.bins, this.indices, this.ghLeaf) : undefined;
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }

  /**
   * Grows a tree on the rows `rows` (all rows when undefined, `count` of them) with the given
   * gradients; `features` are the columns this tree may split on. Leaf values are −G/(H+λ)·shrinkage,
   * rounded to float32.
   */
  grow(
    grad: Float64Array,
    hess: Float64Array,
    rows: Int32Array | undefined,
    count: number,
    features: number[],
    shrinkage: number,
  ): Tree {
    const idx = this.indices;
    if (rows) idx.set(rows.subarray(0, count));
    else for (let i = 0; i < count; i++) idx[i] = i;
    const tree: Tree = {
      feature: [-1],
      threshold: [0],
      left: [-1],
      right: [-1],
      missingLeft: [0],
      value: [0],
    };
    let sumG = 0;
    let sumH = 0;
    for (let i = 0; i < count; i++) {
      sumG += grad[idx[i]!]!;
      sumH += hess[idx[i]!]!;
    }
    const root: Leaf = {
      node: 0,
      begin: 0,
      end: count,
      depth: 0,
      sumG,
      sumH,
      hist: this.take(),
      split: null,
    };
    this.buildHistogram(root, grad, hess, features);
    root.split = this.bestSplit(root, features);
    const leaves: Leaf[] = [root];
    while (leaves.length < this.params.numLeaves) {
      let bestIndex = -1;
      let bestGain = this.params.minGain;
      for (let i = 0; i < leaves.length; i++) {
        const split = leaves[i]!.split;
        if (split && split.gain > bestGain) {
          bestGain = split.gain;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) break;
      const leaf = leaves[bestIndex]!;
      const [left, right] = this.apply(tree, leaf, grad, hess, features);
      leaves.splice(bestIndex, 1, left, right);
    }
    const lambda = this.params.lambdaL2;
    for (const leaf of leaves) {
      tree.value[leaf.node] = Math.fround((-leaf.sumG / (leaf.sumH + lambda)) * shrinkage);
      this.pool.push(leaf.hist);
    }
    return tree;
  }

  private take(): Float64Array {
    const size = this.data.bins.length * FEATURE_SPAN;
    return this.pool.pop() ?? (this.worker ? sharedFloat64(size) : new Float64Array(size));
  }

  private buildHistogram(leaf: Leaf, grad: Float64Array, hess: Float64Array, features: number[]): void {
    const { begin, end, hist } = leaf;
    const idx = this.indices;
    const gh = this.ghLeaf;
    const n = end - begin;
    // gather the leaf's gradients once, interleaved, so the per-feature loops read them sequentially
    for (let i = 0; i < n; i++) {
      const r = idx[begin + i]!;
      gh[2 * i] = grad[r]!;
      gh[2 * i + 1] = hess[r]!;
    }
    let own = features;
    // worth a thread hop only for large leaves; the worker takes every other feature
    const worker = this.worker && n >= 20_000 && features.length > 1 ? this.worker : undefined;
    if (worker) {
      worker.start(
        hist,
        begin,
        end,
        features.filter((_, k) => k % 2 === 0),
      );
      own = features.filter((_, k) => k % 2 === 1);
    }
    for (const f of own) {
      const base = f * FEATURE_SPAN;
      hist.fill(0, base, base + FEATURE_SPAN);
      const col = this.data.bins[f]!;
      for (let i = 0; i < n; i++) {
        const o = base + col[idx[begin + i]!]! * STRIDE;
        hist[o] = hist[o]! + gh[2 * i]!;
        hist[o + 1] = hist[o + 1]! + gh[2 * i + 1]!;
        hist[o + 2] = hist[o + 2]! + 1;
      }
    }
    worker?.wait();
  }

  private bestSplit(leaf: Leaf, features: number[]): Split | null {
    if (leaf.depth >= this.params.maxDepth) return null;
    const { minDataInLeaf, minSumHessian, lambdaL2 } = this.params;
    const count = leaf.end - leaf.begin;
    if (count < 2 * minDataInLeaf) return null;
    const hist = leaf.hist;
    const parentScore = (leaf.sumG * leaf.sumG) / (leaf.sumH + lambdaL2);
    let best: Split | null = null;
    for (const f of features) {
      const base = f * FEATURE_SPAN;
      const bins = this.data.binCount[f]!;
      const mo = base + MISSING_BIN * STRIDE;
      const missG = hist[mo]!;
      const missH = hist[mo + 1]!;
      const missC = hist[mo + 2]!;
      for (let pass = 0; pass < (missC > 0 ? 2 : 1); pass++) {
        const missingLeft = pass === 1;
        let lg = missingLeft ? missG : 0;
        let lh = missingLeft ? missH : 0;
        let lc = missingLeft ? missC : 0;
        for (let b = 0; b < bins - 1; b++) {
          const o = base + b * STRIDE;
          lg += hist[o]!;
          lh += hist[o + 1]!;
          lc += hist[o + 2]!;
          if (lc < minDataInLeaf || lh < minSumHessian) continue;
          const rc = count - lc;
          const rh = leaf.sumH - lh;
          if (rc < minDataInLeaf) break;
          if (rh < minSumHessian) continue;
          const rg = leaf.sumG - lg;
          const gain = (lg * lg) / (lh + lambdaL2) + (rg * rg) / (rh + lambdaL2) - parentScore;
          if (!best || gain > best.gain) {
            best = { gain, feature: f, bin: b, missingLeft, leftG: lg, leftH: lh, leftCount: lc };
          }
        }
      }
    }
    return best;
  }

  /** Splits `leaf`: partitions its rows, adds two nodes, and returns the children with their splits. */
  private apply(
    tree: Tree,
    leaf: Leaf,
    grad: Float64Array,
    hess: Float64Array,
    features: number[],
  ): [Leaf, Leaf] {
    const split = leaf.split!;
    const col = this.data.bins[split.feature]!;
    const idx = this.indices;
    const scratch = this.scratch;
    let l = leaf.begin;
    let r = 0;
    for (let i = leaf.begin; i < leaf.end; i++) {
      const row = idx[i]!;
      const b = col[row]!;
      const goesLeft = b === MISSING_BIN ? split.missingLeft : b <= split.bin;
      if (goesLeft) idx[l++] = row;
      else scratch[r++] = row;
    }
    idx.set(scratch.subarray(0, r), l);
    const leftNode = tree.feature.length;
    const rightNode = leftNode + 1;
    for (let k = 0; k < 2; k++) {
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.missingLeft.push(0);
      tree.value.push(0);
    }
    tree.feature[leaf.node] = split.feature;
    tree.threshold[leaf.node] = this.data.uppers[split.feature]![split.bin]!;
    tree.left[leaf.node] = leftNode;
    tree.right[leaf.node] = rightNode;
    tree.missingLeft[leaf.node] = split.missingLeft ? 1 : 0;
    const depth = leaf.depth + 1;
    const left: Leaf = {
      node: leftNode,
      begin: leaf.begin,
      end: l,
      depth,
      sumG: split.leftG,
      sumH: split.leftH,
      hist: leaf.hist,
      split: null,
    };
    const right: Leaf = {
      node: rightNode,
      begin: l,
      end: leaf.end,
      depth,
      sumG: leaf.sumG - split.leftG,
      sumH: leaf.sumH - split.leftH,
      hist: leaf.hist,
      split: null,
    };
    const [small, large] = l - leaf.begin <= leaf.end - l ? [left, right] : [right, left];
    small.hist = this.take();
    this.buildHistogram(small, grad, hess, features);
    // large keeps the parent's buffer: parent − small
    const ph = large.hist;
    const sh = small.hist;
    for (const f of features) {
      const base = f * FEATURE_SPAN;
      for (let o = base; o < base + FEATURE_SPAN; o++) ph[o] = ph[o]! - sh[o]!;
    }
    left.split = this.bestSplit(left, features);
    right.split = this.bestSplit(right, features);
    return [left, right];
  }
}

/** Leaf of a training row in bin space (same decisions as the float32 thresholds). */
export function leafOfBinned(tree: Tree, data: BinnedData, splitBins: Int32Array, row: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    const b = data.bins[tree.feature[node]!]![row]!;
    const left = b === MISSING_BIN ? tree.missingLeft[node] === 1 : b <= splitBins[node]!;
    node = left ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}
