/**
 * Names the test file behind "Worker exited unexpectedly". vitest reports a worker that died on its own
 * without the file it ran; each worker leaves a marker naming its file (worker-diagnostics.ts) that only a
 * normal exit or the pool's SIGTERM removes. When the run had such an error, this prints the files whose
 * workers left a marker. Without one, leftover markers are workers the pool had to kill after its stop
 * grace period (SIGKILL on a loaded machine), which is no failure: nothing is printed.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Reporter } from 'vitest/node';
import { workerMarkerDir } from './worker-markers.js';

export default class WorkerReporter implements Reporter {
  onTestRunEnd(_modules: unknown, unhandledErrors: ReadonlyArray<unknown>): void {
    const dir = workerMarkerDir();
    if (!existsSync(dir)) return;
    const workerDied = unhandledErrors.some((error) => /Worker exited unexpectedly/.test(describe(error)));
    if (workerDied) {
      for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.file'))) {
        const [file, reason] = readFileSync(path.join(dir, name), 'utf8').split('\n');
        const pid = name.replace(/\.file$/, '');
        const report = path.join(dir, `${pid}.report.json`);
        process.stderr.write(
          `[test-run] the worker running ${file} (pid ${pid}) did not exit normally: ${reason ?? 'killed by a signal (a native crash or the out-of-memory killer)'}` +
            (existsSync(report) ? `; its fatal-error report is kept at ${report}` : '') +
            '\n',
        );
      }
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const { message, cause, stack } = error as { message?: unknown; cause?: unknown; stack?: unknown };
  return [message, stack, cause === undefined ? '' : describe(cause)].map(String).join('\n');
}
