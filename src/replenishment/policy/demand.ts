import { type BaselineSettings, DEFAULT_BASELINE, pooledSeasonalDemand, seasonalDemand } from './baseline.ts';
import { mean, std, Z90 } from './stats.ts';

/** Expected daily demand and its spread, as the levels need them. */
export interface DemandEstimate {
  source: 'forecast' | 'baseline';
  dailyDemand: number;
  /** Std of one day's demand. */
  dailyStd: number;
}

/**
 * From an active model's forecasts: the mean per day, and the daily std read off the 80% interval
 * (p90 − p10 = 2 × 1.2816 σ for a normal), averaged as variances over the days given.
 */
export function demandFromForecast(
  days: readonly { mean: number; p10: number; p90: number }[],
): DemandEstimate {
  if (days.length === 0) return { source: 'forecast', dailyDemand: 0, dailyStd: 0 };
  const variances = days.map((day) => (Math.max(0, day.p90 - day.p10) / (2 * Z90)) ** 2);
  return {
    source: 'forecast',
    dailyDemand: mean(days.map((day) => day.mean)),
    dailyStd: Math.sqrt(mean(variances)),
  };
}

/** The flat average: mean and std of recent daily demand (days without sales count as 0). */
export function demandFromHistory(daily: readonly number[]): DemandEstimate {
  return { source: 'baseline', dailyDemand: mean(daily), dailyStd: std(daily) };
}

/**
 * The baseline without a model: the seasonal estimate (policy/baseline.ts) of the next `days` days —
 * recent level × weekday profile with a damped trend — and the spread around it.
 */
export function demandFromBaseline(
  daily: readonly number[],
  days: number,
  settings: BaselineSettings = DEFAULT_BASELINE,
  pool?: readonly number[],
): DemandEstimate {
  if (pool) {
    const { dailyDemand, dailyStd } = pooledSeasonalDemand(daily, pool, days, settings);
    return { source: 'baseline', dailyDemand, dailyStd };
  }
  return { source: 'baseline', ...seasonalDemand(daily, days, settings) };
}

/** Std of total demand over `days` days, the days taken as independent. */
export function stdOverPeriod(dailyStd: number, days: number): number {
  return dailyStd * Math.sqrt(Math.max(0, days));
}

/** Lead time the policy plans with: the supplier × node's history when long enough, else the supplier's, else nominal. */
export interface LeadTimeHistory {
  n: number;
  mean: number | null;
  std: number | null;
}

export interface LeadTimeEstimate {
  source: 'supplier_node' | 'supplier' | 'nominal';
  meanDays: number;
  stdDays: number;
}

export function leadTimeEstimate(
  nominalDays: number,
  histories: { supplierNode?: LeadTimeHistory | undefined; supplier?: LeadTimeHistory | undefined },
  minObservations: number,
  defaultCv: number,
): LeadTimeEstimate {
  for (const [source, history] of [
    ['supplier_node', histories.supplierNode],
    ['supplier', histories.supplier],
  ] as const) {
    if (history && history.n >= minObservations && history.mean !== null) {
      return { source, meanDays: history.mean, stdDays: history.std ?? 0 };
    }
  }
  return { source: 'nominal', meanDays: nominalDays, stdDays: nominalDays * defaultCv };
}
