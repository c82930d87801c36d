import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { CountSeriesState, DAILY_COUNT_OPTIONS, tailScore } from './count-model.ts';
import { AnomalyDetector } from './detector/detector.ts';
import type { DetectorParams } from './detector/params.ts';
import { FEATURE_COUNT, SeriesState } from './detector/state.ts';
import { readQuery } from './sql.ts';

/**
 * Settings of the detector on daily operational series: a weekly profile, a slow level (a ramp such as
 * a growing backlog keeps showing as residual), scores over 3-day averages, three weeks of warm-up,
 * and a much wider range margin than on NAB (a new daily record is common in retail: only a value a
 * whole range beyond the seen range scores 1). Score 0.2 ⇔ a tail probability of about 0.003.
 */
export const DAILY_PARAMS: Partial<DetectorParams> = {
  period: 7,
  seasonAlpha: 0.15,
  levelAlpha: 0.05,
  scaleAlpha: 0.1,
  rawDivisor: 4,
  shortWindow: 3,
  longAlpha: 0.05,
  warmup: 21,
  spatialMargin: 1,
  stdFloor: 0.05,
};

export const DEFAULT_ANOMALY_THRESHOLD = 0.2;

/** Guards on the series length (sql/anomaly/daily_series.sql): at most two years; sku series 120 days. */
export const SERIES_LIMITS = { maxDays: 730, skuDays: 120 };

export interface SeriesPoint {
  metric: string;
  scope_kind: string;
  scope_id: string;
  day: string;
  value: number;
  /** A count series: events out of an exposure (count model); null: a level or amount (ONNX detector). */
  events: number | null;
  exposure: number | null;
}

export interface AnomalyRow {
  metric: string;
  scope_kind: string;
  scope_id: string;
  day: string;
  value: number;
  expected: number;
  score: number;
  direction: 'up' | 'down';
  is_anomaly: boolean;
}

/** Groups points (ordered by series then day) into series. */
function groupSeries(points: SeriesPoint[]): SeriesPoint[][] {
  const out: SeriesPoint[][] = [];
  let key = '';
  for (const p of points) {
    const k = `${p.metric}\u0000${p.scope_kind}\u0000${p.scope_id}`;
    if (k !== key) {
      out.push([]);
      key = k;
    }
    out.at(-1)!.push(p);
  }
  return out;
}

/**
 * Family-wise calibration: `m` series of one kind (metric, scope kind) are watched together every day, so a
 * tail probability is multiplied by m before it becomes a score (Bonferroni): nl' = max(0, nl − log10(m)/10)
 * on the score's nl/(1 + nl) scale. Score 0.2 then means about 0.003 for the family, not for each series —
 * watching 150 slow movers must not raise 150 times as many false alarms. A score of 1 stays 1.
 */
export function familyScore(score: number, m: number): number {
  if (score >= 1) return 1;
  if (score <= 0 || m <= 1) return Math.max(0, score);
  const nl = score / (1 - score) - Math.log10(m) / 10;
  return nl > 0 ? nl / (1 + nl) : 0;
}

/** The scored row of a point; a point of the warm-up (not ready) scores 0 and is never an anomaly. */
function scoredRow(
  p: SeriesPoint,
  scored: { expected: number; score: number; direction: 'up' | 'down'; ready: boolean },
  threshold: number,
): AnomalyRow {
  const score = scored.ready ? scored.score : 0;
  return {
    metric: p.metric,
    scope_kind: p.scope_kind,
    scope_id: p.scope_id,
    day: p.day,
    value: p.value,
    expected: scored.expected,
    score,
    direction: scored.direction,
    is_anomaly: scored.ready && score >= threshold,
  };
}

/** A count series through the count model (each day from the days before it only). */
function scoreCountSeries(series: SeriesPoint[], threshold: number, family: number): AnomalyRow[] {
  const state = new CountSeriesState(DAILY_COUNT_OPTIONS);
  const rows: AnomalyRow[] = [];
  // value per event (units per shrink adjustment), to show the expectation in the value's unit
  let valueSum = 0;
  let eventSum = 0;
  for (const p of series) {
    const reading = state.push(p.events ?? 0, p.exposure ?? 0);
    if (!reading || !Number.isFinite(p.value)) continue;
    const perEvent = eventSum > 0 ? valueSum / eventSum : 1;
    valueSum += p.value;
    eventSum += p.events ?? 0;
    // a rate is shown as a rate (expected events over the day's exposure), a count in the value's unit
    const expected = p.exposure !== 1 ? reading.expected / (p.exposure ?? 1) : reading.expected * perEvent;
    const score = familyScore(tailScore(reading.tail), family);
    rows.push(
      scoredRow(p, { expected, score, direction: reading.direction, ready: reading.ready }, threshold),
    );
  }
  return rows;
}

/**
 * Scores every point of every series, each series streamed in day order (a day is scored from the days
 * before it only): count series by the count model, the others by the ONNX detector; then the family-wise
 * calibration. Missing values (a rate on a day without orders) are not scored and not learnt; days of the
 * warm-up score 0.
 */
export async function scoreDailySeries(
  points: SeriesPoint[],
  options: { params?: Partial<DetectorParams>; threshold?: number } = {},
): Promise<AnomalyRow[]> {
  const detector = await AnomalyDetector.create({ ...DAILY_PARAMS, ...options.params });
  const threshold = options.threshold ?? DEFAULT_ANOMALY_THRESHOLD;
  const all = groupSeries(points);
  const familyOf = (s: SeriesPoint[]) => `${s[0]!.metric}|${s[0]!.scope_kind}`;
  const families = new Map<string, number>();
  for (const s of all) families.set(familyOf(s), (families.get(familyOf(s)) ?? 0) + 1);
  const rows: AnomalyRow[] = [];
  try {
    for (const series of all) {
      const family = families.get(familyOf(series))!;
      if (series.some((p) => p.events !== null)) {
        rows.push(...scoreCountSeries(series, threshold, family));
        continue;
      }
      const state = new SeriesState(detector.params);
      const present = series.filter((p) => p.value !== null && Number.isFinite(p.value));
      const features = new Float32Array(present.length * FEATURE_COUNT);
      for (const [i, p] of present.entries()) state.push(p.value, features, i * FEATURE_COUNT);
      const scores = await detector.scoreFeatures(features, present.length);
      present.forEach((p, i) => {
        const expected = features[i * FEATURE_COUNT + 1]!;
        const ready = features[i * FEATURE_COUNT + 8]! > 0;
        const direction = p.value >= expected ? 'up' : 'down';
        rows.push(
          scoredRow(p, { expected, score: familyScore(scores[i]!, family), direction, ready }, threshold),
        );
      });
    }
  } finally {
    await detector.release();
  }
  return rows;
}

export async function loadDailySeries(
  warehouse: Warehouse,
  limits: { maxDays: number; skuDays: number } = SERIES_LIMITS,
): Promise<SeriesPoint[]> {
  const rows = await warehouse.all<{
    metric: string;
    scope_kind: string;
    scope_id: string;
    day: Date;
    value: number | null;
    events: number | null;
    exposure: number | null;
  }>(readQuery('anomaly', 'daily_series'), { max_days: limits.maxDays, sku_days: limits.skuDays });
  return rows
    .filter((r) => r.value !== null || r.exposure !== null)
    .map((r) => ({
      metric: r.metric,
      scope_kind: r.scope_kind,
      scope_id: r.scope_id,
      day: r.day.toISOString().slice(0, 10),
      value: r.value === null ? Number.NaN : Number(r.value),
      events: r.events === null ? null : Number(r.events),
      exposure: r.exposure === null ? null : Number(r.exposure),
    }));
}

export interface DetectionSummary {
  runId: string;
  series: number;
  points: number;
  anomalies: number;
}

/** Rows per insert: the JSON parameter stays small on a large catalogue. */
const WRITE_BATCH = 20_000;

/** Scores the warehouse's daily series and replaces the `anomalies` table's rows for the days scored. */
export async function detectOperationalAnomalies(
  warehouse: Warehouse,
  options: { threshold?: number; now?: Date; write?: <T>(work: () => Promise<T>) => Promise<T> } = {},
): Promise<DetectionSummary> {
  // Reads and writes on the write connection go through the server's writer; scoring happens outside it.
  const write = options.write ?? ((work) => work());
  const points = await write(() => loadDailySeries(warehouse));
  const rows = await scoreDailySeries(points, { threshold: options.threshold });
  const runId = `anom-${randomUUID()}`;
  const scoredAt = (options.now ?? new Date()).toISOString();
  await write(() =>
    warehouse.transaction(async () => {
      for (let i = 0; i < rows.length; i += WRITE_BATCH) {
        await warehouse.run(readQuery('anomaly', 'replace_anomalies'), {
          rows: JSON.stringify(rows.slice(i, i + WRITE_BATCH)),
          run_id: runId,
          scored_at: scoredAt,
        });
      }
    }),
  );
  return {
    runId,
    series: new Set(points.map((p) => `${p.metric}|${p.scope_kind}|${p.scope_id}`)).size,
    points: rows.length,
    anomalies: rows.filter((r) => r.is_anomaly).length,
  };
}
