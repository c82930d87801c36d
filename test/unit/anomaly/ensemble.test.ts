import { describe, expect, it } from 'vitest';
import { DayProfile } from '../../../src/anomaly/ensemble/day-profile.ts';
import { EnsembleDetector } from '../../../src/anomaly/ensemble/detector.ts';
import { ENSEMBLE_DEFAULTS } from '../../../src/anomaly/ensemble/params.ts';
import {
  combineSignals,
  rarityScore,
  scoreEnsembleFeatures,
} from '../../../src/anomaly/ensemble/reference.ts';
import { RestPeriod } from '../../../src/anomaly/ensemble/rest.ts';
import { RawLikelihood, ShapeMemory } from '../../../src/anomaly/ensemble/shape-memory.ts';
import { NEVER, ValueContext } from '../../../src/anomaly/ensemble/value-context.ts';
import { loadCorpus } from '../../../src/anomaly/nab/corpus.ts';
import { probationLength } from '../../../src/anomaly/nab/sweeper.ts';

const contextOptions = {
  warmup: 4,
  levels: 4,
  maxLevels: 8,
  order: 2,
  minCount: 1,
  neighbour: 0,
  maxEntries: 1000,
};

describe('value grid and context model', () => {
  it('learns nothing visible during the warm-up, then bins values on the warm-up range', () => {
    const m = new ValueContext(contextOptions);
    for (const v of [0, 4, 1, 3]) expect(m.push(v)).toBeNull();
    const seen = m.push(1.5); // bin 1, visited once (the warm-up's 1, two points ago)
    expect(m.binWidth).toBe(1); // (4 − 0) / 4 levels
    expect(seen).toMatchObject({ binCount: 1, total: 4, age: 2 });
    const fresh = m.push(2.5); // bin 2: never visited
    expect(fresh).toMatchObject({ binCount: 0, total: 5, age: NEVER });
  });

  it('doubles the bin width when the range outgrows the grid, merging counts exactly', () => {
    const m = new ValueContext(contextOptions);
    for (const v of [0, 4, 1, 3, 2]) m.push(v);
    expect(m.binWidth).toBe(1);
    // 9.5 makes the range 9.5 wide: 9.5 bins of width 1 > 8, so the width doubles to 2 (bins 0–4)
    const far = m.push(9.5);
    expect(m.binWidth).toBe(2);
    expect(far).toMatchObject({ binCount: 0, total: 5 });
    // bin 0 of the coarse grid holds the old bins 0 and 1: the values 0 and 1
    expect(m.push(0.5)).toMatchObject({ binCount: 2, total: 6 });
    // bin 1 holds the old bins 2 and 3: the values 2 and 3
    expect(m.push(2.2)).toMatchObject({ binCount: 2, total: 7 });
  });

  it('predicts a repeating sequence (context error 0) and flags a break in it (error 1)', () => {
    const m = new ValueContext({ ...contextOptions, warmup: 8 });
    const cycle = [0.5, 1.5, 2.5, 3.5];
    const errors: number[] = [];
    for (let i = 0; i < 40; i++) errors.push(m.push(cycle[i % 4]!)?.contextError ?? -1);
    expect(errors.slice(12)).toEqual(new Array(28).fill(0));
    // after 0.5, 1.5 the cycle continues with 2.5; 0.5 never followed that context
    m.push(0.5);
    m.push(1.5);
    expect(m.push(0.5)?.contextError).toBe(1);
  });

  it('counts a neighbouring bin at the neighbour weight', () => {
    const m = new ValueContext({ ...contextOptions, warmup: 8, neighbour: 0.5, order: 1 });
    const cycle = [0, 4];
    for (let i = 0; i < 20; i++) m.push(cycle[i % 2]!); // width 1, bins 0 and 4; the last was 4
    // after bin 4 always came bin 0; bin 1 is its neighbour: 1 − 0.5·1 = 0.5
    expect(m.push(1)?.contextError).toBeCloseTo(0.5, 12);
  });

  it('stops adding contexts at the cap (bounded state) but keeps counting known ones', () => {
    const m = new ValueContext({ ...contextOptions, maxEntries: 12 });
    for (let i = 0; i < 200; i++) m.push(Math.sin(i) * 4);
    expect(m.entries).toBeLessThanOrEqual(12);
  });
});

describe('time-of-day profile', () => {
  const hour = 3_600_000;
  it('learns a daily peak (small raw score at it) and scores a missing peak 1', () => {
    const d = new DayProfile({ bins: 24, alpha: 0.3, levelAlpha: 0.02, scaleAlpha: 0.05, divisor: 8 });
    const day = (h: number) => (h === 12 ? 100 : 10) + (h % 3);
    let rawAtPeak = 0;
    for (let i = 0; i < 24 * 20; i++) {
      const raw = d.push(day(i % 24), i * hour);
      if (i % 24 === 12) rawAtPeak = raw;
    }
    expect(rawAtPeak).toBeLessThan(0.1);
    expect(d.push(10, (24 * 20 + 12) * hour)).toBe(1);
  });
});

describe('shape memory', () => {
  it('a waveform seen before scores ~0; a new waveform inside the same range scores high', () => {
    const s = new ShapeMemory({ warmup: 50, window: 8, memory: 200, divisor: 4, scaleAlpha: 0.01 });
    const jitter = (i: number) => ((i * 7919) % 13) / 1000;
    const raws: number[] = [];
    for (let i = 0; i < 400; i++) raws.push(s.push(Math.sin((2 * Math.PI * i) / 16) + jitter(i)));
    expect(Math.max(...raws.slice(200))).toBeLessThan(0.5);
    // a square wave with the same amplitude
    const novel: number[] = [];
    for (let i = 400; i < 416; i++) novel.push(s.push(i % 16 < 8 ? 1 : -1));
    expect(Math.max(...novel)).toBe(1);
  });
});

describe('likelihood inputs and rest period', () => {
  it('given raw scores 0, 1, 1 with window 2 and weight ½: prevSum, mean and std per point', () => {
    const l = new RawLikelihood(2, 0.5);
    const out = new Float32Array(4);
    l.push(0, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]); // first point: nothing learnt
    l.push(1, out, 0); // avg₀ = 0 → mean 0
    expect(Array.from(out)).toEqual([1, 0, 0, 0]);
    l.push(1, out, 0); // avg₁ = (0 + 1)/2 = ½ → mean ¼, variance ½·(0 + ½·¼) = 1/16
    expect(Array.from(out)).toEqual([1, 1, 0.25, 0.25]);
  });

  it('rarity: a never-visited bin after 999 points, 0 for a bin just visited', () => {
    const p = ENSEMBLE_DEFAULTS;
    const r = -Math.log10(0.5 / 1000);
    expect(rarityScore(0, 999, NEVER, p)).toBeCloseTo(p.rarityWeight * Math.min(1.5, r / p.rarityScale), 12);
    expect(rarityScore(0, 999, 0, p)).toBe(0);
  });

  it('agreement: the largest signal plus the weight times the second largest, capped at 1', () => {
    expect(combineSignals([0.2, 0.7, 0, 0.5, 0.1], 0)).toBe(0.7);
    expect(combineSignals([0.2, 0.7, 0, 0.5, 0.1], 0.2)).toBeCloseTo(0.8, 12); // 0.7 + 0.2·0.5
    expect(combineSignals([0.7, 0.7, 0, 0, 0], 0.2)).toBeCloseTo(0.84, 12); // a tie counts twice
    expect(combineSignals([0.95, 0.9, 0, 0, 0], 0.3)).toBe(1);
    expect(combineSignals([0, 0, 0, 0, 0.6], 0.3)).toBeCloseTo(0.6, 12); // one signal alone: unchanged
  });

  it('after a score ≥ level, the next `points` points report 0; a long event keeps itself quiet', () => {
    const rest = new RestPeriod(2, 0.6);
    const scores = Float64Array.from([0.1, 0.7, 0.9, 0.2, 0.3, 0.65, 0.1, 0.1, 0.1, 0.8]);
    rest.applyAll(scores);
    expect(Array.from(scores)).toEqual([0.1, 0.7, 0, 0, 0, 0.65, 0, 0, 0.1, 0.8]);
  });
});

describe('ensemble detector (ONNX) on real NAB series', () => {
  const files = loadCorpus(undefined, (p) =>
    [
      'artificialWithAnomaly/art_daily_jumpsdown.csv',
      'realKnownCause/nyc_taxi.csv',
      'realTweets/Twitter_volume_IBM.csv',
    ].includes(p),
  );

  it.each([
    ['the defaults', {}],
    ['a strong agreement weight', { agreeWeight: 0.3 }],
  ])('the ONNX graph agrees with the TypeScript mirror to 1e-4 on every point (%s)', async (_, params) => {
    const detector = await EnsembleDetector.create(params);
    try {
      for (const file of files) {
        const features = detector.features(file.values, file.timestamps);
        const onnx = await detector.scoreFeatures(features, file.values.length);
        const mirror = scoreEnsembleFeatures(features, file.values.length, detector.params);
        let worst = 0;
        for (let i = 0; i < mirror.length; i++) worst = Math.max(worst, Math.abs(onnx[i]! - mirror[i]!));
        expect(worst, file.relativePath).toBeLessThan(1e-4);
      }
    } finally {
      await detector.release();
    }
  });

  it('streaming point by point gives the batch scores', async () => {
    const detector = await EnsembleDetector.create();
    try {
      const file = files[0]!;
      const n = 1200;
      const batch = await detector.scoreSeries(file.values.subarray(0, n), file.timestamps.slice(0, n));
      const next = detector.stream();
      for (let i = 0; i < n; i++)
        expect(await next(file.values[i]!, file.timestamps[i]!)).toBeCloseTo(batch[i]!, 6);
    } finally {
      await detector.release();
    }
  });

  it('finds the day whose peak is missing in art_daily_jumpsdown (inside the seen range)', async () => {
    const detector = await EnsembleDetector.create();
    try {
      const file = files[0]!;
      const scores = await detector.scoreSeries(file.values, file.timestamps);
      const [start, end] = file.windows[0]!;
      const inWindow = (i: number) => file.timestamps[i]! >= start && file.timestamps[i]! <= end;
      let bestIn = 0;
      let bestOut = 0;
      // as NAB scores it: after the probation period (15 % of the rows)
      for (let i = probationLength(scores.length); i < scores.length; i++) {
        if (inWindow(i)) bestIn = Math.max(bestIn, scores[i]!);
        else bestOut = Math.max(bestOut, scores[i]!);
      }
      expect(bestIn).toBeGreaterThan(bestOut);
    } finally {
      await detector.release();
    }
  });
});
