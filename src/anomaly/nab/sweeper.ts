/**
 * NAB's scoring core, a line-for-line port of numenta/NAB `nab/sweeper.py` (the method behind the
 * published scoreboard): every row gets the score it would earn if it were a detection (scaled
 * sigmoid of its position relative to the current or preceding window), then thresholds are swept
 * from the highest anomaly score down, each window keeping only its best (earliest) detection.
 */

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** One scored row: `window` is null outside windows, PROBATION inside the probation period. */
export interface AnomalyPoint {
  anomalyScore: number;
  sweepScore: number;
  window: string | null;
}

export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

export const PROBATION = '\u0000probationary';
export const PROBATION_PERCENT = 0.15;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** -1 at the far left of a window → 0.9866, 0 at its right edge → 0, far past it → -1. */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3.0) return -1.0;
  return 2 * sigmoid(-5 * relativePosition) - 1.0;
}

/** NAB: min(floor(15% of rows), 15% of 5000 = 750). */
export function probationLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/**
 * One file's rows → AnomalyPoints. `windows` are [startMs, endMs] pairs that must coincide with row
 * timestamps (as in NAB's labels); `name` makes window keys unique across files.
 */
export function calcSweepScore(
  timestamps: readonly number[],
  anomalyScores: ArrayLike<number>,
  windows: readonly (readonly [number, number])[],
  name: string,
  cost: CostMatrix,
  probationPercent = PROBATION_PERCENT,
): AnomalyPoint[] {
  if (timestamps.length !== anomalyScores.length) {
    throw new Error(`${name}: ${timestamps.length} timestamps but ${anomalyScores.length} anomaly scores`);
  }
  const indexOf = new Map<number, number>();
  timestamps.forEach((t, i) => {
    if (!indexOf.has(t)) indexOf.set(t, i);
  });
  const pending = [...windows];
  const maxTP = scaledSigmoid(-1.0);
  const probation = probationLength(timestamps.length, probationPercent);
  const out: AnomalyPoint[] = new Array(timestamps.length);
  let cur: readonly [number, number] | null = null;
  let curName: string | null = null;
  let curWidth = 0;
  let curRight = 0;
  let prevWidth = 0;
  let prevRight: number | null = null;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (pending.length > 0 && t === pending[0]![0]) {
      cur = pending.shift()!;
      curName = `${name}|${cur[0]}`;
      const right = indexOf.get(cur[1]);
      if (right === undefined)
        throw new Error(`${name}: window end ${new Date(cur[1]).toISOString()} is not a row`);
      curRight = right;
      curWidth = curRight - indexOf.get(cur[0])! + 1;
    }
    let weighted: number;
    if (cur !== null) {
      const position = -(curRight - i + 1) / curWidth;
      weighted = (scaledSigmoid(position) * cost.tpWeight) / maxTP;
    } else {
      const unweighted = prevRight === null ? -1.0 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
      weighted = unweighted * cost.fpWeight;
    }
    out[i] = {
      anomalyScore: anomalyScores[i]!,
      sweepScore: weighted,
      window: i >= probation ? curName : PROBATION,
    };
    if (cur !== null && t === cur[1]) {
      prevRight = i;
      prevWidth = curWidth;
      cur = null;
      curName = null;
    }
  }
  return out;
}

/**
 * Score at every distinct threshold, highest first. A row `{threshold: t}` counts every point with
 * anomaly score ≥ t as a detection; the first row (threshold 1.1) detects nothing.
 */
export function calcScoreByThreshold(points: readonly AnomalyPoint[], cost: CostMatrix): ThresholdScore[] {
  const scorable = points
    .filter((p) => p.window !== PROBATION)
    .sort((a, b) => b.anomalyScore - a.anomalyScore);
  // Windows with at least one scorable row start as misses (−fn); the running sum avoids
  // re-summing every part at every threshold (NAB sums a dict; the result is the same).
  const parts = new Map<string, number>();
  for (const p of scorable) if (p.window !== null) parts.set(p.window, -cost.fnWeight);
  let fpPart = 0;
  let windowPart = -cost.fnWeight * parts.size;
  let tn = 0;
  let fn = 0;
  for (const p of scorable) p.window === null ? tn++ : fn++;
  let tp = 0;
  let fp = 0;
  const result: ThresholdScore[] = [];
  let threshold = 1.1;
  for (const p of scorable) {
    if (p.anomalyScore !== threshold) {
      result.push({ threshold, score: fpPart + windowPart, tp, tn, fp, fn });
      threshold = p.anomalyScore;
    }
    if (p.window === null) {
      fp++;
      tn--;
      fpPart += p.sweepScore;
    } else {
      tp++;
      fn--;
      const before = parts.get(p.window)!;
      if (p.sweepScore > before) {
        parts.set(p.window, p.sweepScore);
        windowPart += p.sweepScore - before;
      }
    }
  }
  result.push({ threshold, score: fpPart + windowPart, tp, tn, fp, fn });
  return result;
}

/** NAB's `scoreDataSet`: the row for `threshold` (or the lowest threshold above it). */
export function scoreAtThreshold(rows: readonly ThresholdScore[], threshold: number): ThresholdScore {
  let prev: ThresholdScore | undefined;
  for (const row of rows) {
    if (row.threshold === threshold) return row;
    if (row.threshold < threshold) return prev ?? row;
    prev = row;
  }
  return prev!;
}
