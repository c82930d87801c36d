import fs from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { type Pipeline, pipelineByName, pipelineFor } from '../../pipelines/index.ts';
import { UserError } from '../warehouse/errors.ts';

export interface Source {
  path: string;
  pipeline: Pipeline;
}

/**
 * Expands what the user named (files, directories, globs, '-' for stdin) into
 * sources in a stable order. A file named explicitly must have a known format
 * (or `format` forces one); files found inside directories or by globs
 * without a known ending are skipped and reported.
 */
export async function resolveSources(
  inputs: string[],
  format?: string,
): Promise<{ sources: Source[]; skipped: string[] }> {
  const forced = format === undefined ? undefined : pipelineByName(format);
  if (format !== undefined && !forced) {
    throw new UserError(`Unknown format "${format}": use jsonl, csv or parquet.`);
  }
  const sources: Source[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const add = (file: string, explicit: boolean): void => {
    const resolved = file === '-' ? '-' : path.resolve(file);
    if (seen.has(resolved)) return;
    const pipeline = forced ?? pipelineFor(resolved);
    if (!pipeline) {
      // Documentation beside data files is expected; it is neither data nor a mistake.
      if (!explicit && (/\.(md|txt)$/i.test(resolved) || path.basename(resolved) === 'manifest.json')) return;
      if (explicit) {
        throw new UserError(
          `Cannot tell the format of ${file}: name it .jsonl, .csv or .parquet, or pass --format.`,
        );
      }
      skipped.push(resolved);
      return;
    }
    seen.add(resolved);
    sources.push({ path: resolved, pipeline });
  };
  for (const input of inputs) {
    if (input === '-') {
      add('-', true);
    } else if (isDynamicPattern(input)) {
      const matches = (await glob(input, { absolute: true, onlyFiles: true })).sort();
      if (matches.length === 0) throw new UserError(`No files match ${input}`);
      for (const match of matches) add(match, false);
    } else if (!fs.existsSync(input)) {
      throw new UserError(`No such file or directory: ${input}`);
    } else if (fs.statSync(input).isDirectory()) {
      // A simulation's ground truth (`truth/` beside its manifest) describes the events; it is not events.
      const simulation = fs.existsSync(path.join(input, 'manifest.json'));
      const ignore = simulation ? ['truth/**'] : [];
      const matches = (await glob('**/*', { cwd: input, absolute: true, onlyFiles: true, ignore })).sort();
      for (const match of matches) add(match, false);
    } else {
      add(input, true);
    }
  }
  return { sources, skipped };
}
