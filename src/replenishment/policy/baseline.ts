/**
 * The no-model demand baseline: a seasonal estimate, not a flat average. A flat mean over the last 56
 * days carries whatever happened in them — in January, the Christmas peak — into the next weeks' orders.
 * Instead, from the daily demand known at the review (oldest first, the last element is yesterday):
 *
 * - weekday profile p_w: each weekday's mean over the window relative to the overall mean, shrunk toward 1
 *   by `profileShrink` pseudo-weeks (a slow mover's weekday means are mostly noise), normalised to mean 1;
 * - level: the deseasonalised mean of the last `levelDays` (Σ y / Σ p over them) — the recent weeks, not the
 *   whole window;
 * - trend: the level minus the one of the `levelDays` before it, per day, damped by `damping` per day ahead
 *   (the cumulative effect is bounded by damping / (1 − damping) days of slope) and never taking the level
 *   below `floorShare` of itself;
 * - forecast for day k ahead: (level + slope × Σ_{j ≤ k} damping^j) × p_{weekday(k)}, at least 0;
 * - spread: the RMS of the residuals y − ℓ × p over the last 2 × `levelDays` (ℓ the level of the half each
 *   day falls in), so a steady weekly pattern or a level shift is not counted as noise.
 *
 * Every input day is known at the review (nothing after it is read). Pure.
 */
import { mean, std } from './stats.ts';

export interface BaselineSettings {
  levelDays: number;
  damping: number;
  profileShrink: number;
  floorShare: number;
}

export const DEFAULT_BASELINE: BaselineSettings = {
  levelDays: 14,
  damping: 0.85,
  profileShrink: 2,
  floorShare: 0.5,
};

export interface SeasonalBaseline {
  /** Deseasonalised level per day now (units). */
  level: number;
  /** Change of the level per day (units/day, before damping). */
  slope: number;
  /** Weekday profile, index = days after the last observed day mod 7 minus 1 (see `weekdayOf`). */
  profile: number[];
  /** Std of one day's demand around the baseline. */
  dailyStd: number;
}

/** Fits the baseline to `daily` (oldest first; the last element is the day before the first forecast day). */
export function fitSeasonalBaseline(
  daily: readonly number[],
  settings: BaselineSettings = DEFAULT_BASELINE,
): SeasonalBaseline {
  const n = daily.length;
  const profile = weekdayProfile(daily, settings.profileShrink);
  // position of day i in the week, relative to the end: the day after the last one is weekday 0
  const weekday = (i: number) => (((i - n) % 7) + 7) % 7;
  const levelOver = (from: number, to: number): number | undefined => {
    let sum = 0;
    let weight = 0;
    for (let i = Math.max(0, from); i < to; i++) {
      sum += daily[i]!;
      weight += profile[weekday(i)]!;
    }
    return weight > 0 ? sum / weight : undefined;
  };
  const span = Math.max(1, settings.levelDays);
  const level = levelOver(n - span, n) ?? 0;
  const previous = n >= 2 * span ? levelOver(n - 2 * span, n - span) : undefined;
  const slope = previous === undefined ? 0 : (level - previous) / span;
  let squares = 0;
  let count = 0;
  for (let i = Math.max(0, n - 2 * span); i < n; i++) {
    const l = i >= n - span || previous === undefined ? level : previous;
    squares += (daily[i]! - l * profile[weekday(i)]!) ** 2;
    count++;
  }
  return { level, slope, profile, dailyStd: count > 1 ? Math.sqrt(squares / (count - 1)) : 0 };
}

/** Weekday means relative to the overall mean, shrunk toward 1, normalised to mean 1; all 1 without demand. */
function weekdayProfile(daily: readonly number[], shrink: number): number[] {
  const n = daily.length;
  const sums = new Array<number>(7).fill(0);
  const counts = new Array<number>(7).fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = (((i - n) % 7) + 7) % 7;
    sums[w]! += daily[i]!;
    counts[w]!++;
    total += daily[i]!;
  }
  const mean = n > 0 ? total / n : 0;
  if (!(mean > 0)) return new Array<number>(7).fill(1);
  const raw = sums.map((sum, w) => (sum + shrink * mean) / ((counts[w]! + shrink) * mean));
  const average = raw.reduce((a, b) => a + b, 0) / 7;
  return raw.map((p) => p / average);
}

/** Forecast for each of the next `days` days (day 1 = the day after the last observed one). */
export function baselineForecast(
  fit: SeasonalBaseline,
  days: number,
  settings: BaselineSettings = DEFAULT_BASELINE,
): number[] {
  const out: number[] = [];
  let damped = 0;
  let factor = 1;
  for (let k = 1; k <= days; k++) {
    factor *= settings.damping;
    damped += factor;
    const level = Math.max(fit.level * settings.floorShare, fit.level + fit.slope * damped);
    out.push(Math.max(0, level * fit.profile[(k - 1) % 7]!));
  }
  return out;
}

/**
 * Pooled: the series' flat mean over the window × its group's seasonal change. A slow mover's last weeks
 * are mostly noise (on the replays, a 7- or 14-day level cost more stock at the same fill than the
 * 56-day mean), but the group's total (the store's, the retailer's: `pool`, the same days) is smooth, so
 * its seasonal baseline ahead ÷ its window mean says how much of the window's average is a peak that has
 * passed (January after Christmas: < 1) or a rise under way (> 1). The daily std stays the series' own
 * around its window mean. `pool` must cover the same days as `daily`.
 */
export function pooledSeasonalDemand(
  daily: readonly number[],
  pool: readonly number[],
  days: number,
  settings: BaselineSettings = DEFAULT_BASELINE,
): { dailyDemand: number; dailyStd: number; ratio: number } {
  if (pool.length !== daily.length)
    throw new Error('pooledSeasonalDemand: the pool must cover the same days');
  const ratio = seasonalRatio(pool, days, settings);
  return { dailyDemand: mean(daily) * ratio, dailyStd: std(daily), ratio };
}

/**
 * A group total's seasonal change: its seasonal baseline's mean over the next `days` days ÷ its mean over
 * the window (< 1 after a peak, > 1 in a rise); 1 when the group sold nothing. What the plan multiplies a
 * no-forecast series' window mean by (src/replenishment/plan.ts, the node's total as the group).
 */
export function seasonalRatio(
  pool: readonly number[],
  days: number,
  settings: BaselineSettings = DEFAULT_BASELINE,
): number {
  const poolMean = mean(pool);
  return poolMean > 0 ? seasonalDemand(pool, days, settings).dailyDemand / poolMean : 1;
}

/** Mean daily demand over the next `days` days and the daily std: what the levels need. */
export function seasonalDemand(
  daily: readonly number[],
  days: number,
  settings: BaselineSettings = DEFAULT_BASELINE,
): { dailyDemand: number; dailyStd: number } {
  const fit = fitSeasonalBaseline(daily, settings);
  const ahead = baselineForecast(fit, Math.max(1, Math.round(days)), settings);
  return { dailyDemand: ahead.reduce((a, b) => a + b, 0) / ahead.length, dailyStd: fit.dailyStd };
}
