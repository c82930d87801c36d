import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CostMatrix } from './sweeper.ts';

/** The NAB corpus as shipped in ../shared/data/nab: data/, labels/, profiles.json, results/. */
export interface NabFile {
  /** e.g. `realKnownCause/nyc_taxi.csv` */
  relativePath: string;
  timestamps: number[];
  values: Float64Array;
  /** [startMs, endMs] of each labelled window, in order. */
  windows: [number, number][];
}

const windowsSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));
const profilesSchema = z.record(
  z.string(),
  z.object({ CostMatrix: z.object({ tpWeight: z.number(), fpWeight: z.number(), fnWeight: z.number() }) }),
);
const finalResultsSchema = z.record(z.string(), z.record(z.string(), z.number()));

export const DEFAULT_NAB_DIR = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'nab',
);
export const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** NAB timestamps are UTC-less `YYYY-MM-DD HH:MM:SS[.ffffff]`; they are compared as instants. */
export function parseNabTime(text: string): number {
  const ms = Date.parse(`${text.slice(0, 19).replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`unreadable NAB timestamp: ${text}`);
  return ms;
}

export function formatNabTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  if (!fs.existsSync(file)) throw new Error(`NAB file not found: ${file}`);
  return schema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

export function loadWindows(nabDir = DEFAULT_NAB_DIR): Record<string, [number, number][]> {
  const raw = readJson(path.join(nabDir, 'labels', 'combined_windows.json'), windowsSchema);
  return Object.fromEntries(
    Object.entries(raw).map(([file, list]) => [
      file,
      list.map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as [number, number]),
    ]),
  );
}

export function loadProfiles(nabDir = DEFAULT_NAB_DIR): Record<ProfileName, CostMatrix> {
  const raw = readJson(path.join(nabDir, 'profiles.json'), profilesSchema);
  const out = {} as Record<ProfileName, CostMatrix>;
  for (const name of PROFILES) {
    const profile = raw[name];
    if (!profile) throw new Error(`profiles.json has no ${name} profile`);
    out[name] = profile.CostMatrix;
  }
  return out;
}

/** Published normalised scores: detector → profile → score. */
export function loadPublished(nabDir = DEFAULT_NAB_DIR): Record<string, Record<string, number>> {
  return readJson(path.join(nabDir, 'final_results.json'), finalResultsSchema);
}

/** Reads a CSV's header and rows; NAB files are plain (no quoting). */
export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.length > 0);
  const header = (lines[0] ?? '').split(',');
  return { header, rows: lines.slice(1).map((line) => line.split(',')) };
}

/** Every labelled data file of the corpus, in label-file order. */
export function loadCorpus(nabDir = DEFAULT_NAB_DIR, only?: (relativePath: string) => boolean): NabFile[] {
  const windows = loadWindows(nabDir);
  const files: NabFile[] = [];
  for (const relativePath of Object.keys(windows)) {
    if (only && !only(relativePath)) continue;
    const { header, rows } = readCsv(path.join(nabDir, 'data', relativePath));
    const ti = header.indexOf('timestamp');
    const vi = header.indexOf('value');
    if (ti < 0 || vi < 0) throw new Error(`${relativePath}: expected timestamp,value columns`);
    files.push({
      relativePath,
      timestamps: rows.map((row) => parseNabTime(row[ti]!)),
      values: Float64Array.from(rows, (row) => Number(row[vi])),
      windows: windows[relativePath]!,
    });
  }
  return files;
}

/** `results/<detector>/<category>/<detector>_<file>.csv` for a data file. */
export function resultsPath(resultsDir: string, detector: string, relativePath: string): string {
  const dir = path.dirname(relativePath);
  return path.join(resultsDir, detector, dir, `${detector}_${path.basename(relativePath)}`);
}

/** The anomaly_score column of a detector's results file for one data file. */
export function readResultScores(resultsDir: string, detector: string, file: NabFile): Float64Array {
  const target = resultsPath(resultsDir, detector, file.relativePath);
  if (!fs.existsSync(target)) throw new Error(`no results for ${file.relativePath}: ${target}`);
  const { header, rows } = readCsv(target);
  const si = header.indexOf('anomaly_score');
  if (si < 0) throw new Error(`${target}: no anomaly_score column`);
  if (rows.length !== file.timestamps.length) {
    throw new Error(`${target}: ${rows.length} rows, the data file has ${file.timestamps.length}`);
  }
  return Float64Array.from(rows, (row) => Number(row[si]));
}
