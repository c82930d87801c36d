import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.ts';
import { publish } from './lib/report.ts';

const BENCHMARKS: Record<
  string,
  {
    summary: string;
    run: (options: { events: number }) => Promise<import('./lib/report.ts').BenchReport>;
    defaultEvents: number;
  }
> = {
  ingest: {
    summary: 'JSONL of 1M mixed events vs a bare appender loop',
    run: benchIngest,
    defaultEvents: 1_000_000,
  },
};

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { events: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});

const name = positionals[0];
const benchmark = name ? BENCHMARKS[name] : undefined;
if (values.help || !benchmark) {
  process.stdout.write(
    [
      'Usage: npm run bench -- <name> [--events N]',
      '',
      'Prints a table and writes bench/results/<name>.json.',
      '',
      'Benchmarks:',
      ...Object.entries(BENCHMARKS).map(([key, entry]) => `  ${key.padEnd(12)} ${entry.summary}`),
      '',
    ].join('\n'),
  );
  process.exitCode = values.help ? 0 : 2;
} else {
  const events = values.events ? Number(values.events) : benchmark.defaultEvents;
  publish(await benchmark.run({ events }));
}
