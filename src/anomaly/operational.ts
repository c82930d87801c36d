import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../warehouse/warehouse.ts';
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

export interface SeriesPoint {
  metric: string;
  scope_kind: string;
  scope_id: string;
  day: string;
  value: number;
}

export interface AnomalyRow extends SeriesPoint {
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
 * Scores every point of every series: each series streams through a fresh state in day order
 * (a day is scored from the days before it only), the ONNX graph scores the features. Missing
 * values (a rate on a day without orders) are scored 0 and not learnt.
 */
export async function scoreDailySeries(
  points: SeriesPoint[],
  options: { params?: Partial<DetectorParams>; threshold?: number } = {},
): Promise<AnomalyRow[]> {
  const detector = await AnomalyDetector.create({ ...DAILY_PARAMS, ...options.params });
  const threshold = options.threshold ?? DEFAULT_ANOMALY_THRESHOLD;
  const rows: AnomalyRow[] = [];
  try {
    for (const series of groupSeries(points)) {
      const state = new SeriesState(detector.params);
      const present = series.filter((p) => p.value !== null && Number.isFinite(p.value));
      const features = new Float32Array(present.length * FEATURE_COUNT);
      for (const [i, p] of present.entries()) state.push(p.value, features, i * FEATURE_COUNT);
      const scores = await detector.scoreFeatures(features, present.length);
      present.forEach((p, i) => {
        const expected = features[i * FEATURE_COUNT + 1]!;
        const score = scores[i]!;
        rows.push({
          ...p,
          expected,
          score,
          direction: p.value >= expected ? 'up' : 'down',
          is_anomaly: features[i * FEATURE_COUNT + 8]! > 0 && score >= threshold,
        });
      });
    }
  } finally {
    await detector.release();
  }
  return rows;
}

export async function loadDailySeries(warehouse: Warehouse): Promise<SeriesPoint[]> {
  const rows = await warehouse.all<{
    metric: string;
    scope_kind: string;
    scope_id: string;
    day: Date;
    value: number | null;
  }>(readQuery('anomaly', 'daily_series'));
  return rows
    .filter((r) => r.value !== null)
    .map((r) => ({ ...r, day: r.day.toISOString().slice(0, 10), value: Number(r.value) }));
}

export interface DetectionSummary {
  runId: string;
  series: number;
  points: number;
  anomalies: number;
}

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
      await warehouse.run(readQuery('anomaly', 'replace_anomalies'), {
        rows: JSON.stringify(rows),
        run_id: runId,
        scored_at: scoredAt,
      });
    }),
  );
  return {
    runId,
    series: new Set(points.map((p) => `${p.metric}|${p.scope_kind}|${p.scope_id}`)).size,
    points: rows.length,
    anomalies: rows.filter((r) => r.is_anomaly).length,
  };
}
