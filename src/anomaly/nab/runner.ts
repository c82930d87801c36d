import fs from 'node:fs';
import path from 'node:path';
import { EnsembleDetector } from '../ensemble/detector.ts';
import type { EnsembleParams } from '../ensemble/params.ts';
import {
  DEFAULT_NAB_DIR,
  formatNabTime,
  loadCorpus,
  loadProfiles,
  type NabFile,
  resultsPath,
} from './corpus.ts';
import { type ProfileResult, scoreCorpus } from './score.ts';
import { type NabHalf, nabHalf } from './split.ts';

export const DETECTOR_NAME = 'retailos';

export interface NabRunOptions {
  nabDir?: string;
  /** Where results/<detector>/… files are written (NAB's layout). */
  resultsDir: string;
  params?: Partial<EnsembleParams>;
  onProgress?: (done: number, total: number, file: string) => void;
}

/** 1 inside a labelled window, as in NAB's results files. */
function labels(file: NabFile): Uint8Array {
  const out = new Uint8Array(file.timestamps.length);
  for (const [start, end] of file.windows) {
    file.timestamps.forEach((t, i) => {
      if (t >= start && t <= end) out[i] = 1;
    });
  }
  return out;
}

/** Writes one NAB results file (timestamp,value,anomaly_score,label) through a temp file + rename. */
export function writeResultsFile(target: string, file: NabFile, scores: ArrayLike<number>): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const label = labels(file);
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < file.timestamps.length; i++) {
    lines.push(`${formatNabTime(file.timestamps[i]!)},${file.values[i]},${scores[i]},${label[i]}`);
  }
  const tmp = `${target}.tmp`;
  fs.writeFileSync(tmp, `${lines.join('\n')}\n`);
  fs.renameSync(tmp, target);
}

export interface NabRun {
  /** The whole corpus, as NAB scores it. */
  results: ProfileResult[];
  /** The same scoring on each half of the protocol's split (each half sweeps its own threshold). */
  halves: Record<NabHalf, ProfileResult[]>;
  seconds: number;
  rows: number;
}

/**
 * NAB's detect + optimize + score + normalize for our detector: every series is streamed through
 * a fresh state (it learns only from its own past points), scored by the ONNX graph, written in
 * NAB's results format, then scored on the three profiles — the whole corpus and each half.
 */
export async function runNab(options: NabRunOptions): Promise<NabRun> {
  const nabDir = options.nabDir ?? DEFAULT_NAB_DIR;
  const files = loadCorpus(nabDir);
  const detector = await EnsembleDetector.create(options.params);
  const started = performance.now();
  const scores = new Map<string, Float32Array>();
  let rows = 0;
  try {
    for (const [index, file] of files.entries()) {
      const s = await detector.scoreSeries(file.values, file.timestamps);
      scores.set(file.relativePath, s);
      rows += s.length;
      writeResultsFile(resultsPath(options.resultsDir, DETECTOR_NAME, file.relativePath), file, s);
      options.onProgress?.(index + 1, files.length, file.relativePath);
    }
  } finally {
    await detector.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const profiles = loadProfiles(nabDir);
  const { results } = scoreCorpus(files, scores, profiles);
  const half = (h: NabHalf) =>
    scoreCorpus(
      files.filter((f) => nabHalf(f.relativePath) === h),
      scores,
      profiles,
    ).results;
  return { results, halves: { selection: half('selection'), 'held-out': half('held-out') }, seconds, rows };
}
