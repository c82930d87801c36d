/**
 * Global set-up of the test run: gives the workers one marker directory, and at the end names every test
 * file whose worker died without a normal exit (see worker-diagnostics.ts), so "Worker exited unexpectedly"
 * comes with the file that caused it.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { workerMarkerDir } from './worker-markers.js';

export function setup(): () => void {
  process.env.RETAILOS_TEST_RUN_ID = String(process.pid);
  const dir = workerMarkerDir();
  rmSync(dir, { recursive: true, force: true });
  return () => {
    if (!existsSync(dir)) return;
    const leftovers = readdirSync(dir);
    for (const name of leftovers.filter((entry) => entry.endsWith('.file'))) {
      const [file, reason] = readFileSync(path.join(dir, name), 'utf8').split('\n');
      const pid = name.replace(/\.file$/, '');
      const report = path.join(dir, `${pid}.report.json`);
      process.stderr.write(
        `[test-run] the worker running ${file} (pid ${pid}) did not exit normally: ${reason ?? 'killed by a signal (native crash or out of memory)'}` +
          (existsSync(report) ? `; fatal-error report kept at ${report}` : '') +
          '\n',
      );
    }
    if (leftovers.length === 0) rmSync(dir, { recursive: true, force: true });
  };
}
