import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../warehouse/config.ts';

/**
 * The outside data (M5, favorita, walmart-weekly) lives beside the repository in `../shared/data` and is
 * read in place, never copied in. `RETAILOS_SHARED_DATA` points elsewhere (CI, another checkout).
 */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.RETAILOS_SHARED_DATA ?? path.join(PROJECT_ROOT, '..', 'shared', 'data'));
}

export function sharedDataPath(...parts: string[]): string {
  return path.join(sharedDataDir(), ...parts);
}

export function hasSharedData(...parts: string[]): boolean {
  return fs.existsSync(sharedDataPath(...parts));
}
