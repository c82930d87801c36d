import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB instances are heavy; two cores on CI: keep parallelism modest.
    maxWorkers: 2,
  },
});
