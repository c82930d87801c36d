import { createHash } from 'node:crypto';
import { ENSEMBLE_DEFAULTS, type EnsembleParams } from '../src/anomaly/ensemble/params.ts';
import { scoreEnsembleFeatures } from '../src/anomaly/ensemble/reference.ts';
import { RestPeriod } from '../src/anomaly/ensemble/rest.ts';
import { ENSEMBLE_FEATURE_COUNT, EnsembleState } from '../src/anomaly/ensemble/state.ts';
import { loadCorpus, loadProfiles, type NabFile } from '../src/anomaly/nab/corpus.ts';
import { scoreCorpus } from '../src/anomaly/nab/score.ts';
import { nabHalf } from '../src/anomaly/nab/split.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

/** Settings of the state (features recomputed when they change); the others only change the scoring. */
const STATE_KEYS: (keyof EnsembleParams)[] = [
  'warmup',
  'gridLevels',
  'gridMaxLevels',
  'contextOrder',
  'dayBins',
  'shapeWindow',
  'likelihoodWindow',
];

/** The candidate values the protocol tries, one setting at a time. */
export const SELECTION_GRID: [keyof EnsembleParams, number[]][] = [
  ['rarityWeight', [0.5, 0.55, 0.6]],
  ['rarityScale', [2.5, 3, 3.5]],
  ['rarityRecency', [30, 100, 300]],
  ['spatialFloor', [0.4, 0.5, 0.6]],
  ['spatialScale', [0.01, 0.02, 0.05]],
  ['restPoints', [10, 30, 60]],
  ['restLevel', [0.55, 0.6, 0.65]],
  ['dayBins', [24, 48, 96]],
  ['contextOrder', [3, 6]],
  ['shapeWindow', [8, 16]],
  ['likelihoodWindow', [5, 10]],
  ['warmup', [100, 150]],
  ['agreeWeight', [0, 0.1, 0.2, 0.3]],
];

/** The selection half's two quarters: the parity of the second byte of sha256(relative path). */
function quarterOf(file: NabFile): 0 | 1 {
  return (createHash('sha256').update(file.relativePath).digest()[1]! % 2) as 0 | 1;
}

/**
 * The tuning protocol of docs/anomalies.md, on the selection half only: coordinate descent from `start`
 * over SELECTION_GRID, one setting at a time; a value is accepted only when it raises the objective (the mean
 * of the standard and low-FP scores) on BOTH quarters of the selection half, each swept on its own, so a
 * gain carried by a few files is not taken. Scores with the TypeScript mirror of the graph (equal to the ONNX
 * graph to 1e-4) and NAB's scorer. The held-out half is never read.
 */
export async function benchNabSelect(start: EnsembleParams = ENSEMBLE_DEFAULTS): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const files = loadCorpus(undefined, (p) => nabHalf(p) === 'selection');
  const profiles = loadProfiles();
  const quarters = [0, 1].map((q) => files.filter((f) => quarterOf(f) === q));
  const featureCache = new Map<string, Float32Array[]>();
  const featuresFor = (p: EnsembleParams) => {
    const key = JSON.stringify(STATE_KEYS.map((k) => p[k]));
    let features = featureCache.get(key);
    if (!features) {
      features = files.map((f) => {
        const state = new EnsembleState(p);
        const out = new Float32Array(f.values.length * ENSEMBLE_FEATURE_COUNT);
        for (let i = 0; i < f.values.length; i++)
          state.push(f.values[i]!, f.timestamps[i]!, out, i * ENSEMBLE_FEATURE_COUNT);
        return out;
      });
      featureCache.clear();
      featureCache.set(key, features);
    }
    return features;
  };
  const objective = (p: EnsembleParams): number[] => {
    const features = featuresFor(p);
    const scores = new Map<string, Float64Array>();
    files.forEach((f, i) => {
      const s = scoreEnsembleFeatures(features[i]!, f.values.length, p);
      new RestPeriod(p.restPoints, p.restLevel).applyAll(s);
      scores.set(f.relativePath, s);
    });
    return quarters.map((list) => {
      const { results } = scoreCorpus(list, scores, profiles);
      return (results[0]!.normalized + results[1]!.normalized) / 2;
    });
  };
  let chosen = { ...start };
  let best = objective(chosen);
  const trace: { setting: string; value: number; quarters: number[]; accepted: boolean }[] = [];
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    for (const [key, values] of SELECTION_GRID) {
      for (const value of values) {
        if (value === chosen[key]) continue;
        const candidate = { ...chosen, [key]: value };
        const q = objective(candidate);
        const accepted = q.every((x, i) => x > best[i]!);
        trace.push({ setting: key, value, quarters: q, accepted });
        process.stderr.write(
          `${key}=${value}: ${q.map((x) => x.toFixed(2)).join(' / ')}${accepted ? ' accepted' : ''}\n`,
        );
        if (accepted) {
          chosen = candidate;
          best = q;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const rows: BenchRow[] = SELECTION_GRID.map(([key]) => ({
    metric: `chosen ${key}`,
    value: chosen[key],
    unit: chosen[key] === ENSEMBLE_DEFAULTS[key] ? 'default' : 'DIFFERS',
  }));
  rows.push(
    { metric: 'objective, selection quarter 0 (mean std/low-FP)', value: best[0]!, unit: 'NAB score' },
    { metric: 'objective, selection quarter 1 (mean std/low-FP)', value: best[1]!, unit: 'NAB score' },
  );
  return {
    name: 'nab-select',
    description:
      'the NAB tuning protocol: coordinate descent on the selection half (both quarters must improve)',
    startedAt,
    parameters: { start, chosen, trace, files: files.length, quarters: quarters.map((q) => q.length) },
    rows,
  };
}
