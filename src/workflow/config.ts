import fs from 'node:fs';
import path from 'node:path';
import type * as z from 'zod';
import { formatIssues, toValidationIssues } from '../contracts/index.ts';
import { PROJECT_ROOT } from '../warehouse/config.ts';
import { UserError } from '../warehouse/errors.ts';

/** Where the workflow's configuration files live (`config/approvals.json`, …). */
export const CONFIG_DIR = path.join(PROJECT_ROOT, 'config');

/** Reads and validates a JSON configuration file; every problem is reported at once, with its path. */
export function loadConfig<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseConfig(schema, raw, file);
}

export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new UserError(`Invalid ${where}: ${formatIssues(toValidationIssues(result.error.issues, raw))}`);
  }
  return result.data;
}
