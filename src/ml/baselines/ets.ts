import { logit, nelderMead, sigmoid } from '../optim/nelder-mead.ts';
import { type Forecast, type ForecastOptions, normalForecast } from './types.ts';

/**
 * Exponential smoothing in innovations form with additive errors (Hyndman et al., "Forecasting with
 * Exponential Smoothing", 2008): trend none / additive / damped, season none / additive /
 * multiplicative. Simple exponential smoothing is ETS(A,N,N), Holt–Winters is ETS(A,A,A) or (A,A,M);
 * `autoEts` picks the model by AICc like R's `forecast::ets`. Smoothing parameters are fitted by
 * Nelder–Mead on the in-sample sum of squared one-step errors; initial states come from the first
 * observations (not optimised, unlike R: one reason our ETS can differ from R's on short series).
 */
export type Trend = 'N' | 'A' | 'Ad';
export type Season = 'N' | 'A' | 'M';

export interface EtsSpec {
  trend: Trend;
  season: Season;
}

export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface EtsFit {
  spec: EtsSpec;
  params: EtsParams;
  m: number;
  level: number;
  slope: number;
  /** Seasonal states; the state used for period t is seasonal[t % m]. */
  seasonal: Float64Array;
  /** Number of observations fitted (periods run 0..n-1). */
  n: number;
  sse: number;
  aicc: number;
}

export function etsName(spec: EtsSpec): string {
  return `ETS(A,${spec.trend},${spec.season})`;
}

interface InitialState {
  level: number;
  slope: number;
  seasonal: Float64Array;
}

function initialState(y: ArrayLike<number>, spec: EtsSpec, m: number): InitialState {
  const n = y.length;
  const seasonal = new Float64Array(Math.max(1, m));
  if (spec.season === 'N' || m <= 1) {
    const level = y[0]!;
    const slope = spec.trend === 'N' || n < 2 ? 0 : (y[Math.min(n - 1, 3)]! - y[0]!) / Math.min(n - 1, 3);
    seasonal.fill(spec.season === 'M' ? 1 : 0);
    return { level, slope, seasonal };
  }
  let first = 0;
  for (let i = 0; i < m; i++) first += y[i]!;
  first /= m;
  let second = first;
  if (n >= 2 * m) {
    second = 0;
    for (let i = m; i < 2 * m; i++) second += y[i]!;
    second /= m;
  }
  const slope = spec.trend === 'N' ? 0 : (second - first) / m;
  // the first season's deviations from its mean, centred so the level carries the whole mean
  for (let i = 0; i < m; i++) {
    const detrended = first + (i - (m - 1) / 2) * slope;
    seasonal[i] = spec.season === 'A' ? y[i]! - detrended : y[i]! / detrended;
  }
  // the fitted line is at `first` in the middle of the season; the state starts one period before t = 0
  return { level: first - ((m - 1) / 2) * slope - slope, slope, seasonal };
}

/**
 * Runs the recursions from the initial state; returns the SSE and (when `keep`) the final state.
 * The level and slope start "one period before" the first observation.
 */
function run(
  y: ArrayLike<number>,
  spec: EtsSpec,
  m: number,
  p: EtsParams,
  init: InitialState,
  keep?: { level: number; slope: number; seasonal: Float64Array },
): number {
  let level = init.level;
  let slope = init.slope;
  const seasonal = Float64Array.from(init.seasonal);
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const hasTrend = spec.trend !== 'N';
  const period = spec.season === 'N' ? 1 : m;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const base = level + (hasTrend ? phi * slope : 0);
    const si = t % period;
    const s = seasonal[si]!;
    let e: number;
    if (spec.season === 'M') {
      e = y[t]! - base * s;
      level = base + (p.alpha * e) / s;
      if (hasTrend) slope = phi * slope + (p.beta * e) / s;
      seasonal[si] = s + (p.gamma * e) / base;
    } else if (spec.season === 'A') {
      e = y[t]! - base - s;
      level = base + p.alpha * e;
      if (hasTrend) slope = phi * slope + p.beta * e;
      seasonal[si] = s + p.gamma * e;
    } else {
      e = y[t]! - base;
      level = base + p.alpha * e;
      if (hasTrend) slope = phi * slope + p.beta * e;
    }
    sse += e * e;
    if (!Number.isFinite(sse)) return Number.POSITIVE_INFINITY;
  }
  if (keep) {
    keep.level = level;
    keep.slope = slope;
    keep.seasonal = seasonal;
  }
  return sse;
}

/** Parameter count for AICc: smoothing parameters plus initial states. */
function parameterCount(spec: EtsSpec, m: number): number {
  let k = 2; // alpha, initial level
  if (spec.trend !== 'N') k += 2;
  if (spec.trend === 'Ad') k += 1;
  if (spec.season !== 'N') k += 1 + (m - 1);
  return k;
}

/** Maps unconstrained x to admissible parameters: 0<α<1, 0<β<α, 0<γ<1−α, 0.8<φ<0.98. */
function decode(x: number[], spec: EtsSpec): EtsParams {
  const alpha = 0.0001 + 0.9998 * sigmoid(x[0]!);
  let i = 1;
  const beta = spec.trend !== 'N' ? alpha * sigmoid(x[i++]!) : 0;
  const gamma = spec.season !== 'N' ? (1 - alpha) * sigmoid(x[i++]!) : 0;
  const phi = spec.trend === 'Ad' ? 0.8 + 0.18 * sigmoid(x[i++]!) : 1;
  return { alpha, beta, gamma, phi };
}

export interface FitOptions {
  /** Fixed parameters (no optimisation); omitted ones take their defaults. */
  params?: Partial<EtsParams>;
  maxEvaluations?: number;
}

export function fitEts(y: ArrayLike<number>, spec: EtsSpec, m: number, options: FitOptions = {}): EtsFit {
  const period = spec.season === 'N' ? 1 : m;
  const init = initialState(y, spec, period);
  let params: EtsParams;
  if (options.params?.alpha !== undefined) {
    params = { alpha: 0.2, beta: 0, gamma: 0, phi: spec.trend === 'Ad' ? 0.98 : 1, ...options.params };
  } else {
    const start = [logit(0.2)];
    if (spec.trend !== 'N') start.push(logit(0.1));
    if (spec.season !== 'N') start.push(logit(0.05));
    if (spec.trend === 'Ad') start.push(0);
    const best = nelderMead((x) => run(y, spec, period, decode(x, spec), init), start, {
      maxEvaluations: options.maxEvaluations ?? 60 * (start.length + 1),
      tolerance: 1e-7,
      step: 1,
    });
    params = decode(best.x, spec);
  }
  const state = { level: 0, slope: 0, seasonal: new Float64Array(period) };
  const sse = run(y, spec, period, params, init, state);
  const n = y.length;
  const k = parameterCount(spec, period);
  const aicc =
    n - k - 1 > 0 && sse > 0
      ? n * Math.log(sse / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1)
      : Number.POSITIVE_INFINITY;
  return {
    spec,
    params,
    m: period,
    level: state.level,
    slope: state.slope,
    seasonal: state.seasonal,
    n,
    sse,
    aicc,
  };
}

/** Mean path and an 80% interval from the class-1 variance formula (exact for the linear models). */
export function forecastEts(fit: EtsFit, horizon: number): Forecast {
  const { spec, params, m, n } = fit;
  const phi = spec.trend === 'Ad' ? params.phi : 1;
  const mean = new Float64Array(horizon);
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += phi ** h;
    const base = fit.level + (spec.trend === 'N' ? 0 : damp * fit.slope);
    const s = fit.seasonal[(n + h - 1) % m]!;
    mean[h - 1] = spec.season === 'M' ? base * s : spec.season === 'A' ? base + s : base;
  }
  const sigma2 = fit.sse / Math.max(1, n);
  const variance: number[] = [sigma2];
  let sum = 0;
  let dampJ = 0;
  for (let j = 1; j < horizon; j++) {
    dampJ += phi ** j;
    const c =
      params.alpha + (spec.trend === 'N' ? 0 : params.beta * dampJ) + (j % m === 0 ? params.gamma : 0);
    sum += c * c;
    variance.push(sigma2 * (1 + sum));
  }
  return normalForecast(mean, (step) => Math.sqrt(variance[step - 1]!));
}

/** Simple exponential smoothing, ETS(A,N,N); α fitted unless given. */
export function ses(history: ArrayLike<number>, options: ForecastOptions & { alpha?: number }): Forecast {
  if (history.length === 0) return forecastEts(emptyFit(), options.horizon);
  const params = options.alpha === undefined ? {} : { params: { alpha: options.alpha } };
  return forecastEts(fitEts(history, { trend: 'N', season: 'N' }, 1, params), options.horizon);
}

export interface HoltWintersOptions extends ForecastOptions {
  seasonal?: 'A' | 'M';
  damped?: boolean;
  params?: Partial<EtsParams>;
}

/**
 * Holt–Winters: level, trend and season. Needs two full seasons (one to initialise, one to learn);
 * with less it drops the season (Holt's linear method). Multiplicative seasons need positive data.
 */
export function holtWinters(history: ArrayLike<number>, options: HoltWintersOptions): Forecast {
  const m = options.seasonality;
  const positive = Array.prototype.every.call(history, (v: number) => v > 0);
  const season: Season =
    m > 1 && history.length >= 2 * m ? (options.seasonal === 'M' && positive ? 'M' : 'A') : 'N';
  const spec: EtsSpec = { trend: options.damped ? 'Ad' : 'A', season };
  if (history.length < 2) return ses(history, options);
  const fit = fitEts(history, spec, m, options.params ? { params: options.params } : {});
  return forecastEts(fit, options.horizon);
}

/** The candidate models of `autoEts` (additive errors); seasonal ones only with two full seasons. */
export function candidateSpecs(n: number, m: number, positive: boolean): EtsSpec[] {
  const specs: EtsSpec[] = [
    { trend: 'N', season: 'N' },
    { trend: 'A', season: 'N' },
    { trend: 'Ad', season: 'N' },
  ];
  if (m > 1 && n >= 2 * m) {
    specs.push({ trend: 'N', season: 'A' }, { trend: 'Ad', season: 'A' });
    if (positive) specs.push({ trend: 'N', season: 'M' }, { trend: 'Ad', season: 'M' });
  }
  return specs;
}

/** Automatic ETS: fit every candidate, keep the smallest AICc. */
export function autoEtsFit(history: ArrayLike<number>, m: number): EtsFit {
  const positive = Array.prototype.every.call(history, (v: number) => v > 0);
  let best: EtsFit | undefined;
  for (const spec of candidateSpecs(history.length, m, positive)) {
    const fit = fitEts(history, spec, m);
    if (!best || fit.aicc < best.aicc) best = fit;
  }
  return best!;
}

export function autoEts(history: ArrayLike<number>, options: ForecastOptions): Forecast {
  if (history.length < 4) return ses(history, options);
  return forecastEts(autoEtsFit(history, options.seasonality), options.horizon);
}

function emptyFit(): EtsFit {
  return {
    spec: { trend: 'N', season: 'N' },
    params: { alpha: 0.2, beta: 0, gamma: 0, phi: 1 },
    m: 1,
    level: 0,
    slope: 0,
    seasonal: new Float64Array(1),
    n: 0,
    sse: 0,
    aicc: Number.POSITIVE_INFINITY,
  };
}
