import type { SourceReader } from '../src/ingest/readers/types.ts';

/**
 * A pipeline says where data comes from and how it maps to the event
 * contract: which files it claims, how it reads them, and how progress is
 * measured. One file per source format or system under `pipelines/`.
 */
export interface Pipeline {
  name: string;
  description: string;
  /** File name endings this pipeline claims (lower case, with the dot). */
  extensions: readonly string[];
  read: SourceReader;
  /** Total work for the progress bar, in the unit the reader reports positions in. */
  total: (path: string) => Promise<number>;
  unit: 'bytes' | 'rows';
}

export function definePipeline(pipeline: Pipeline): Pipeline {
  return pipeline;
}
