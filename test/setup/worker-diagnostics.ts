/**
 * Diagnostics for a test worker that dies on its own. vitest then reports only "Worker exited unexpectedly",
 * without the file, the exit code or the signal. Every test file runs in its own forked worker, so:
 *
 * - each worker leaves a marker naming its file in a run directory and removes it when it exits normally or
 *   when the pool stops it (vitest sends SIGTERM); a worker that dies otherwise (SIGSEGV in a native addon,
 *   the OOM killer) cannot remove it, and the run's reporter (test/setup/worker-reporter.ts) prints the files
 *   whose workers died that way;
 * - a JavaScript-level exit with a non-zero code (an uncaught error after the file's tests finished, a stray
 *   `process.exit`) prints the file and the code on stderr;
 * - a V8 fatal error (heap out of memory, a failed native check) writes a Node diagnostic report beside the
 *   markers, so the native stack of the dying worker is kept.
 */
import { mkdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect } from 'vitest';
import { workerMarkerDir } from './worker-markers.js';

let currentFile = '(set-up)';
const markerDir = workerMarkerDir();
const marker = path.join(markerDir, `${process.pid}.file`);

beforeAll(() => {
  currentFile = expect.getState().testPath ?? currentFile;
  mkdirSync(markerDir, { recursive: true });
  writeFileSync(marker, currentFile);
});

if (process.report) {
  process.report.reportOnFatalError = true;
  process.report.directory = markerDir;
  process.report.filename = `${process.pid}.report.json`;
}

// The pool stops a worker with SIGTERM: that is a normal end. Remove the marker, then let the signal do
// what it would have done without this listener.
process.once('SIGTERM', () => {
  rmSync(marker, { force: true });
  process.kill(process.pid, 'SIGTERM');
});

process.on('exit', (code) => {
  if (code === 0) {
    rmSync(marker, { force: true });
    return;
  }
  writeFileSync(marker, `${currentFile}\nexit code ${code}`);
  writeSync(2, `[test-worker ${process.pid}] exiting with code ${code} while running ${currentFile}\n`);
});
