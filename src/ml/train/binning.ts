/**
 * Feature binning for histogram GBDT (as in LightGBM): each feature's values map to at most 255
 * ordered bins by float32 upper bounds, and NaN to a separate missing bin (255). A split "bin ≤ b"
 * is then exactly the ONNX test `x <= upper[b]` on the float32 input: binary search finds the first
 * bin whose upper bound is ≥ x, so bin(x) ≤ b ⇔ x ≤ upper[b].
 */
export const MISSING_BIN = 255;
export const MAX_BINS = 255;

export interface FeatureBins {
  /** Upper bounds of bins 0..n−2 (float32); the last regular bin is unbounded above. */
  uppers: Float32Array;
  /** Number of regular bins (≤ 255). */
  count: number;
}

/** Chooses bin bounds from (a sample of) a column: every distinct value its own bin when they fit. */
export function fitBins(values: ArrayLike<number>, maxBins = MAX_BINS, sampleSize = 100_000): FeatureBins {
  const step = Math.max(1, Math.floor(values.length / sampleSize));
  const buffer = new Float32Array(Math.ceil(values.length / step));
  let size = 0;
  for (let i = 0; i < values.length; i += step) {
    const v = values[i]!;
    if (!Number.isNaN(v)) buffer[size++] = v;
  }
  // typed-array sort is numeric and native: far faster than sorting boxed numbers
  const sample = buffer.subarray(0, size).sort();
  let distinct = size > 0 ? 1 : 0;
  for (let i = 1; i < size; i++) if (sample[i] !== sample[i - 1]) distinct++;
  if (distinct <= 1) return { uppers: new Float32Array(0), count: 1 };
  const uppers: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 1; i < size; i++)
      if (sample[i] !== sample[i - 1]) uppers.push(between(sample[i - 1]!, sample[i]!));
    return { uppers: Float32Array.from(uppers), count: uppers.length + 1 };
  }
  // equal-frequency bins, cut only between distinct values; a heavy value (0 in sparse demand) gets a
  // bin of its own instead of swallowing its neighbours
  let binStart = 0;
  let target = size / maxBins;
  for (let i = 1; i < size && uppers.length < maxBins - 1; i++) {
    if (sample[i] === sample[i - 1]) continue;
    let runEnd = i;
    while (runEnd < size && sample[runEnd] === sample[i]) runEnd++;
    const full = i - binStart >= target;
    const heavyNext = runEnd - i >= target;
    if (full || heavyNext) {
      uppers.push(between(sample[i - 1]!, sample[i]!));
      binStart = i;
      target = (size - i) / Math.max(1, maxBins - uppers.length);
    }
  }
  return { uppers: Float32Array.from(uppers), count: uppers.length + 1 };
}

/** A float32 bound t with a ≤ t < b (the midpoint when representable, else a itself). */
function between(a: number, b: number): number {
  const mid = Math.fround(a + (b - a) / 2);
  return mid >= a && mid < b ? mid : a;
}

/** Bin of one value: NaN → MISSING_BIN; else the first bin whose upper bound is ≥ fround(x). */
export function binOf(bins: FeatureBins, x: number): number {
  if (Number.isNaN(x)) return MISSING_BIN;
  const v = Math.fround(x);
  const uppers = bins.uppers;
  let lo = 0;
  let hi = uppers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= uppers[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function binColumn(
  bins: FeatureBins,
  values: ArrayLike<number>,
  out: Uint8Array = new Uint8Array(values.length),
): Uint8Array {
  for (let i = 0; i < values.length; i++) out[i] = binOf(bins, values[i]!);
  return out;
}
