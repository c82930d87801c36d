import type { NabFile, ProfileName } from './corpus.ts';
import { PROFILES } from './corpus.ts';
import {
  type AnomalyPoint,
  type CostMatrix,
  calcScoreByThreshold,
  calcSweepScore,
  scoreAtThreshold,
  type ThresholdScore,
} from './sweeper.ts';

export interface ProfileResult {
  profile: ProfileName;
  /** Threshold chosen by the sweep (NAB's optimize step). */
  threshold: number;
  /** Raw corpus score at that threshold (sum over files). */
  raw: number;
  /** The null detector's raw score (no detections) and a perfect detector's (every window, at once). */
  nullScore: number;
  perfect: number;
  /** 100·(raw − null)/(perfect − null): the scoreboard number. */
  normalized: number;
  counts: Pick<ThresholdScore, 'tp' | 'tn' | 'fp' | 'fn'>;
}

export interface FileScore {
  relativePath: string;
  profile: ProfileName;
  threshold: number;
  score: number;
}

/**
 * NAB's optimize → score → normalize for one detector. The sweep runs over the whole corpus at once
 * (the optimizer concatenates every file's points); per-file scores at the chosen threshold sum to
 * the same total. Null: the null detector (a constant score) detects nothing at its best threshold,
 * so it scores −fn per window with a scorable row. Perfect: tp weight × number of labelled windows.
 */
export function scoreCorpus(
  files: readonly NabFile[],
  scores: ReadonlyMap<string, ArrayLike<number>>,
  profiles: Record<ProfileName, CostMatrix>,
): { results: ProfileResult[]; perFile: FileScore[] } {
  const results: ProfileResult[] = [];
  const perFile: FileScore[] = [];
  const windowCount = files.reduce((n, f) => n + f.windows.length, 0);
  for (const profile of PROFILES) {
    const cost = profiles[profile];
    const byFile = new Map<string, AnomalyPoint[]>();
    const all: AnomalyPoint[] = [];
    for (const file of files) {
      const s = scores.get(file.relativePath);
      if (!s) throw new Error(`no anomaly scores for ${file.relativePath}`);
      const points = calcSweepScore(file.timestamps, s, file.windows, file.relativePath, cost);
      byFile.set(file.relativePath, points);
      for (const p of points) all.push(p);
    }
    const sweep = calcScoreByThreshold(all, cost);
    let best = sweep[0]!;
    for (const row of sweep) if (row.score > best.score) best = row;
    const nullScore = nullDetectorScore(all, cost);
    const perfect = windowCount * cost.tpWeight;
    let raw = 0;
    for (const file of files) {
      const row = scoreAtThreshold(
        calcScoreByThreshold(byFile.get(file.relativePath)!, cost),
        best.threshold,
      );
      raw += row.score;
      perFile.push({ relativePath: file.relativePath, profile, threshold: best.threshold, score: row.score });
    }
    results.push({
      profile,
      threshold: best.threshold,
      raw,
      nullScore,
      perfect,
      normalized: (100 * (raw - nullScore)) / (perfect - nullScore),
      counts: { tp: best.tp, tn: best.tn, fp: best.fp, fn: best.fn },
    });
  }
  return { results, perFile };
}

/**
 * The null detector (one constant score for every row) swept like any other: its only thresholds
 * detect nothing (−fn per window with a scorable row) or everything; the better of the two.
 */
export function nullDetectorScore(points: readonly AnomalyPoint[], cost: CostMatrix): number {
  return Math.max(
    ...calcScoreByThreshold(
      points.map((p) => ({ ...p, anomalyScore: 0.5 })),
      cost,
    ).map((r) => r.score),
  );
}
