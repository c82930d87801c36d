import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file in its own forked process (DuckDB and onnxruntime are native): a crash stays in its file,
    // and test/setup/worker-*.ts name the file when a worker dies on its own.
    pool: 'forks',
    setupFiles: ['test/setup/worker-diagnostics.ts'],
    globalSetup: ['test/setup/worker-report.ts'],
    reporters: ['default', './test/setup/worker-reporter.ts'],
    // Timeouts are guard rails against hangs, never speed checks: CI and outside checks run beside other
    // work on two cores, where a DuckDB-heavy test can take several times its quiet-machine duration.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    // DuckDB instances are heavy; two cores on CI: keep parallelism modest.
    maxWorkers: 2,
  },
});
