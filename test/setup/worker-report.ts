/**
 * Global set-up of the test run: gives the workers one marker directory (see worker-diagnostics.ts) and
 * starts it empty. test/setup/worker-reporter.ts reads it at the end.
 */
import { rmSync } from 'node:fs';
import { workerMarkerDir } from './worker-markers.js';

export function setup(): void {
  process.env.RETAILOS_TEST_RUN_ID = String(process.pid);
  rmSync(workerMarkerDir(), { recursive: true, force: true });
}
