import os from 'node:os';
import path from 'node:path';

/** Where test workers leave their markers: one directory per test run (the runner's pid names it). */
export function workerMarkerDir(): string {
  const run = process.env.RETAILOS_TEST_RUN_ID ?? String(process.ppid);
  return path.join(os.tmpdir(), `retailos-test-workers-${run}`);
}
