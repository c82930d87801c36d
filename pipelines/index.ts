import csv from './files/csv.pipeline.ts';
import jsonl from './files/jsonl.pipeline.ts';
import parquet from './files/parquet.pipeline.ts';
import type { Pipeline } from './pipeline.ts';

export type { Pipeline } from './pipeline.ts';

/** Every pipeline retailos knows, most specific endings first. */
export const PIPELINES: readonly Pipeline[] = [jsonl, csv, parquet];

/** The pipeline that claims a file by its name ('-' is stdin, read as JSON Lines). */
export function pipelineFor(path: string): Pipeline | undefined {
  if (path === '-') return jsonl;
  const lower = path.toLowerCase();
  return PIPELINES.find((pipeline) => pipeline.extensions.some((ending) => lower.endsWith(ending)));
}

export function pipelineByName(name: string): Pipeline | undefined {
  return PIPELINES.find((pipeline) => pipeline.name === name);
}
