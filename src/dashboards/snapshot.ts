import fs from 'node:fs';
import path from 'node:path';
import { DATASETS, type DatasetSpec } from './datasets.ts';
import type { Row, SnapshotSource } from './sources.ts';

export const QUERY_DIR = path.join(import.meta.dirname, 'queries');

/** One exported dataset, as the data loaders emit it and the pages read it. */
export interface DatasetFile {
  name: string;
  title: string;
  /** False when the read models it needs do not exist yet (rows is then empty and note says why). */
  available: boolean;
  note: string | null;
  /** Why the query failed (for developers; `note` is what readers see). */
  error?: string;
  /** For table datasets: which table the rows came from. */
  table?: string;
  rows: Row[];
}

export interface SnapshotSummary {
  dir: string;
  generatedAt: string;
  source: string;
  datasets: {
    name: string;
    available: boolean;
    rows: number;
    seconds: number;
    note: string | null;
    error?: string;
  }[];
}

function readQuery(name: string): string {
  return fs
    .readFileSync(path.join(QUERY_DIR, `${name}.sql`), 'utf8')
    .trim()
    .replace(/;\s*$/, '');
}

/** A query's text with its `{{fragment}}` includes (`queries/_fragment.sql`, shared CTEs) expanded. */
export function querySql(name: string): string {
  return readQuery(name).replace(/\{\{([a-z_]+)\}\}/g, (_match, fragment: string) =>
    readQuery(`_${fragment}`),
  );
}

/** Quotes an identifier that comes from our own dataset list (never from a request). */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function exportOne(
  spec: DatasetSpec,
  source: SnapshotSource,
  relations: Set<string>,
): Promise<DatasetFile> {
  const base = { name: spec.name, title: spec.title };
  // What readers see: what computes the data and how to run it, not internal table names.
  const missingNote = () => `Not computed yet: nothing in this warehouse yet (computed by ${spec.producer}).`;
  if (spec.source.kind === 'table') {
    const table = spec.source.tables.find((name) => relations.has(name));
    if (table === undefined) return { ...base, available: false, note: missingNote(), rows: [] };
    const rows = await source.query(`SELECT * FROM ${quoteIdent(table)} LIMIT ${spec.source.limit}`);
    return { ...base, available: true, note: null, table, rows };
  }
  const candidates = [spec.source, ...(spec.source.fallback ? [spec.source.fallback] : [])];
  const usable = candidates.find((candidate) => candidate.needs.every((name) => relations.has(name)));
  if (!usable) {
    return { ...base, available: false, note: missingNote(), rows: [] };
  }
  try {
    return { ...base, available: true, note: null, rows: await source.query(querySql(usable.query)) };
  } catch (error) {
    // A model that exists but has other columns than the query expects: a warehouse of another version.
    return {
      ...base,
      available: false,
      note: 'Not computed yet: this warehouse is from another version of retailos (bring it up to date with: retailos init).',
      error: (error as Error).message.split('\n')[0]!,
      rows: [],
    };
  }
}

/**
 * Exports every dataset to `<dir>/<name>.json` (written to a temp name, then renamed) plus
 * `<dir>/_summary.json`. Read-only: it only runs SELECTs.
 */
export async function exportSnapshot(
  source: SnapshotSource,
  dir: string,
  onDataset: (name: string, index: number, total: number) => void = () => {},
  datasets: readonly DatasetSpec[] = DATASETS,
): Promise<SnapshotSummary> {
  fs.mkdirSync(dir, { recursive: true });
  const relations = await source.relations();
  const summary: SnapshotSummary = {
    dir,
    generatedAt: new Date().toISOString(),
    source: source.description,
    datasets: [],
  };
  for (const [index, spec] of datasets.entries()) {
    onDataset(spec.name, index, datasets.length);
    const started = performance.now();
    const file = await exportOne(spec, source, relations);
    const target = path.join(dir, `${spec.name}.json`);
    fs.writeFileSync(`${target}.tmp`, JSON.stringify(file));
    fs.renameSync(`${target}.tmp`, target);
    summary.datasets.push({
      name: spec.name,
      available: file.available,
      rows: file.rows.length,
      seconds: (performance.now() - started) / 1000,
      note: file.note,
      ...(file.error === undefined ? {} : { error: file.error }),
    });
  }
  fs.writeFileSync(path.join(dir, '_summary.json'), JSON.stringify(summary, null, 2));
  return summary;
}
