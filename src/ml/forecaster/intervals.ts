import { INTERVAL_QUANTILES } from '../baselines/types.ts';

/**
 * Prediction intervals for the GBDT mean by calibration: on held-out rows, the ratio actual / forecast
 * is collected per cell (horizon band × forecast-size band) and its quantiles kept; a new forecast's
 * quantile is forecast × that cell's ratio quantile. Multiplicative cells suit both intermittent
 * items (a 0.2/day forecast gets a 0 lower and a 1-unit upper quantile) and smooth aggregates.
 */
export interface IntervalCalibration {
  /** Upper edges of the horizon bands (inclusive). */
  horizonEdges: number[];
  /** Upper edges of the forecast-size bands (the last band is open). */
  sizeEdges: number[];
  quantiles: { q: number; ratios: number[] }[];
}

export const CALIBRATED_QUANTILES = [INTERVAL_QUANTILES.lower, 0.5, INTERVAL_QUANTILES.upper];

function cell(calibration: IntervalCalibration, h: number, mean: number): number {
  const { horizonEdges, sizeEdges } = calibration;
  let hb = 0;
  while (hb < horizonEdges.length && h > horizonEdges[hb]!) hb++;
  if (hb === horizonEdges.length) hb = horizonEdges.length - 1;
  let sb = 0;
  // NaN compares false everywhere: like findIndex, it lands in the last (open) band
  while (sb < sizeEdges.length && !(mean <= sizeEdges[sb]!)) sb++;
  return hb * (sizeEdges.length + 1) + sb;
}

export function calibrateIntervals(
  h: ArrayLike<number>,
  mean: ArrayLike<number>,
  actual: ArrayLike<number>,
  horizonEdges = [7, 14, 1_000_000],
  sizeBands = 8,
): IntervalCalibration {
  const sorted = Array.from(mean)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const sizeEdges: number[] = [];
  for (let b = 1; b < sizeBands; b++) {
    const edge = sorted[Math.floor((b * sorted.length) / sizeBands)] ?? 0;
    if (sizeEdges.length === 0 || edge > sizeEdges[sizeEdges.length - 1]!) sizeEdges.push(edge);
  }
  const calibration: IntervalCalibration = { horizonEdges, sizeEdges, quantiles: [] };
  const cells = horizonEdges.length * (sizeEdges.length + 1);
  const ratios: number[][] = Array.from({ length: cells }, () => []);
  const all: number[] = [];
  for (let i = 0; i < actual.length; i++) {
    const m = mean[i]!;
    const a = actual[i]!;
    if (!(m > 0) || Number.isNaN(a)) continue;
    ratios[cell(calibration, h[i]!, m)]!.push(a / m);
    all.push(a / m);
  }
  all.sort((a, b) => a - b);
  for (const list of ratios) list.sort((a, b) => a - b);
  calibration.quantiles = CALIBRATED_QUANTILES.map((q) => ({
    q,
    // a cell with too few rows borrows the pooled ratio
    ratios: ratios.map((list) => quantileOf(list.length >= 30 ? list : all, q)),
  }));
  return calibration;
}

/** Several quantiles at once (each row's cell is found once): one array per entry of `qs`. */
export function applyIntervalsMany(
  calibration: IntervalCalibration,
  h: ArrayLike<number>,
  mean: ArrayLike<number>,
  qs: readonly number[],
): Float64Array[] {
  const ratios = qs.map((q) => {
    const entry = calibration.quantiles.find((candidate) => Math.abs(candidate.q - q) < 1e-9);
    if (!entry) throw new Error(`quantile ${q} was not calibrated`);
    return entry.ratios;
  });
  const outs = qs.map(() => new Float64Array(mean.length));
  for (let i = 0; i < mean.length; i++) {
    const m = mean[i]!;
    const c = cell(calibration, h[i]!, m);
    for (let k = 0; k < outs.length; k++) outs[k]![i] = m * ratios[k]![c]!;
  }
  return outs;
}

export function applyIntervals(
  calibration: IntervalCalibration,
  h: ArrayLike<number>,
  mean: ArrayLike<number>,
  q: number,
): Float64Array {
  const entry = calibration.quantiles.find((candidate) => Math.abs(candidate.q - q) < 1e-9);
  if (!entry) throw new Error(`quantile ${q} was not calibrated`);
  const out = new Float64Array(mean.length);
  for (let i = 0; i < mean.length; i++) out[i] = mean[i]! * entry.ratios[cell(calibration, h[i]!, mean[i]!)]!;
  return out;
}

function quantileOf(sorted: number[], q: number): number {
  if (sorted.length === 0) return 1;
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}
