import { parseArgs } from 'node:util';
import { type BenchReport, publish } from './lib/report.ts';

interface Benchmark {
  summary: string;
  /** Loaded on demand, so one benchmark's dependencies never slow or break another. */
  run: (options: { events: number; seconds?: number }) => Promise<BenchReport>;
  defaultEvents: number;
}

const BENCHMARKS: Record<string, Benchmark> = {
  ingest: {
    summary: 'JSONL of 1M mixed events vs a bare appender loop',
    run: async (options) => (await import('./ingest.ts')).benchIngest(options),
    defaultEvents: 1_000_000,
  },
  'ingest-http': {
    summary: 'POST /api/v1/events, batches of 1,000, 4 concurrent clients',
    run: async (options) => (await import('./ingest-http.ts')).benchIngestHttp(options),
    defaultEvents: 200_000,
  },
  atp: {
    summary: 'GET availability for one sku while ingest-http runs (p99)',
    run: async (options) => (await import('./atp.ts')).benchAtp(options),
    defaultEvents: 200_000,
  },
  simulate: {
    summary: 'simulator speed and events per simulated day per scale (m5 extrapolated)',
    run: async (options) => (await import('./simulate.ts')).benchSimulate(options),
    defaultEvents: 1_500_000,
  },
  allocate: {
    summary: '100k order lines against 200 nodes × 20k skus: lines/s and gap to the optimum',
    run: async (options) => (await import('./allocate.ts')).benchAllocate(options),
    defaultEvents: 100_000,
  },
  routing: {
    summary: 'one order stream, retailos vs fewest-splits and node-priority baselines',
    run: async (options) => (await import('./routing.ts')).benchRouting(options),
    defaultEvents: 6_000,
  },
  'wrmsse-check': {
    summary: 'recompute the official M5 WRMSSE (levels 1-9) of all 50 top teams',
    run: async () => (await import('./wrmsse-check.ts')).benchWrmsseCheck(),
    defaultEvents: 0,
  },
  'forecast-accuracy': {
    summary: 'rolling-origin RMSSE on favorita and walmart-weekly vs seasonal naive and ETS',
    run: async () => (await import('./forecast-accuracy.ts')).benchForecastAccuracy(),
    defaultEvents: 0,
  },
  forecast: {
    summary: 'train + 28-day forecast speed, scoring vs bare session.run',
    run: async () => (await import('./forecast.ts')).benchForecast(),
    defaultEvents: 0,
  },
  'm5-validation': {
    summary: 'M5 validation window (d_1914..d_1941): WRMSSE at 12 levels vs sNaive, ES_bu, ES_md',
    run: async () => (await import('./forecast-accuracy.ts')).benchM5Validation(),
    defaultEvents: 0,
  },
  ledger: {
    summary: 'full rebuild of inventory_positions from 10M events vs a bare SUM … FILTER … GROUP BY',
    run: async (options) => (await import('./ledger.ts')).benchLedger(options),
    defaultEvents: 10_000_000,
  },
  'replenishment-sim': {
    summary: 'M5 demand replayed 180 days: policy vs static reorder level at the same fill rate',
    run: async () => (await import('./replenishment-sim.ts')).benchReplenishmentSim(),
    defaultEvents: 0,
  },
  'ledger-incremental': {
    summary: 'apply 10k new events (1% late) to a 10M-event warehouse vs the full rebuild',
    run: async (options) => (await import('./ledger.ts')).benchLedgerIncremental(options),
    defaultEvents: 10_000_000,
  },
  alerts: {
    summary: 'simulator scenarios replayed: expected alerts reach a subscriber; anomaly precision/recall',
    run: async (options) => (await import('./alerts.ts')).benchAlerts(options),
    defaultEvents: 56,
  },
  workflow: {
    summary: 'exception queue: workflow fold overhead on reads, sync, per-action cost vs bare landing',
    run: async (options) => (await import('./workflow.ts')).benchWorkflow(options),
    defaultEvents: 2_000,
  },
  load: {
    summary: '4 clients × 1,000-event batches for 30 s with GET /availability, then with a hostile client',
    run: async (options) => (await import('./load.ts')).benchLoad(options),
    defaultEvents: 600_000,
  },
  'channel-sync': {
    summary:
      'Black Friday week: oversold units, retailos push (measured latency) vs hourly sync; latency p50/p99',
    run: async (options) => (await import('./channel-sync.ts')).benchChannelSync(options),
    defaultEvents: 0,
  },
  nab: {
    summary: 'NAB: our ONNX anomaly detector on all three profiles vs the published scores',
    run: async () => (await import('./nab.ts')).benchNab(),
    defaultEvents: 0,
  },
};

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { events: { type: 'string' }, seconds: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});

const name = positionals[0];
const benchmark = name ? BENCHMARKS[name] : undefined;
if (values.help || !benchmark) {
  process.stdout.write(
    [
      'Usage: npm run bench -- <name> [--events N] [--seconds S (load, channel-sync: replay time)]',
      '',
      'Prints a table and writes bench/results/<name>.json.',
      '',
      'Benchmarks:',
      ...Object.entries(BENCHMARKS).map(([key, entry]) => `  ${key.padEnd(18)} ${entry.summary}`),
      '',
    ].join('\n'),
  );
  process.exitCode = values.help ? 0 : 2;
} else {
  const events = values.events ? Number(values.events) : benchmark.defaultEvents;
  publish(await benchmark.run({ events, ...(values.seconds ? { seconds: Number(values.seconds) } : {}) }));
}
