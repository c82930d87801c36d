import fs from 'node:fs';
import path from 'node:path';
import { AnomalyDetector } from '../detector/detector.ts';
import type { DetectorParams } from '../detector/params.ts';
import {
  DEFAULT_NAB_DIR,
  formatNabTime,
  loadCorpus,
  loadProfiles,
  type NabFile,
  resultsPath,
} from './corpus.ts';
import { type ProfileResult, scoreCorpus } from './score.ts';

export const DETECTOR_NAME = 'retailos';

export interface NabRunOptions {
  nabDir?: string;
  /** Where results/<detector>/… files are written (NAB's layout). */
  resultsDir: string;
  params?: Partial<DetectorParams>;
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

/**
 * NAB's detect + optimize + score + normalize for our detector: every series is streamed through
 * a fresh state (it learns only from its own past points), scored by the ONNX graph, written in
 * NAB's results format, then scored on the three profiles.
 */
export async function runNab(
  options: NabRunOptions,
): Promise<{ results: ProfileResult[]; seconds: number; rows: number }> {
  const nabDir = options.nabDir ?? DEFAULT_NAB_DIR;
  const files = loadCorpus(nabDir);
  const detector = await AnomalyDetector.create(options.params);
  const started = performance.now();
  const scores = new Map<string, Float32Array>();
  let rows = 0;
  try {
    for (const [index, file] of files.entries()) {
      const s = await detector.scoreSeries(file.values);
      scores.set(file.relativePath, s);
      rows += s.length;
      writeResultsFile(resultsPath(options.resultsDir, DETECTOR_NAME, file.relativePath), file, s);
      options.onProgress?.(index + 1, files.length, file.relativePath);
    }
  } finally {
    await detector.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const { results } = scoreCorpus(files, scores, loadProfiles(nabDir));
  return { results, seconds, rows };
}
