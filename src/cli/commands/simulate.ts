import path from 'node:path';
import {
  DEFAULT_SEED,
  FORMATS,
  SCALE_NAMES,
  SCALES,
  SCENARIO_NAMES,
  type ScaleName,
  type SimOptions,
} from '../../sim/params.ts';
import { type SimulationResult, simulate } from '../../sim/simulate.ts';
import { type CommandIo, defineCommand, type NumberOption } from '../command.ts';
import { formatCount } from '../format.ts';
import { ProgressBar } from '../progress.ts';

/** A share of events, 0 to 1. */
const RATE = {
  type: 'number',
  min: 0,
  max: 1,
  valueName: 'R',
  expects: 'a share from 0 to 1 (0.005 = 0.5%)',
} as const satisfies Omit<NumberOption, 'description'>;

function scaleLine(name: ScaleName): string {
  const scale = SCALES[name];
  const faults = scale.faults;
  const faultText =
    faults.lateRate + faults.duplicateRate + faults.malformed + faults.unknownSkuRate === 0
      ? 'faults off'
      : `faults on (late ${faults.lateRate}, duplicates ${faults.duplicateRate}, malformed ${faults.malformed}, unknown SKU ${faults.unknownSkuRate})`;
  return `  ${name.padEnd(6)} ${scale.description}; ${scale.days} days from ${scale.start}; ${faultText}`;
}

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'Generate a realistic, reproducible retailer: events that satisfy the contract, ready to ingest.',
  usage:
    'retailos simulate [--scale small|demo|m5] [--days N] [--seed S] [--out DIR] [--format jsonl|csv|parquet] [--scenario NAME]',
  details: [
    'Scales:',
    ...SCALE_NAMES.map(scaleLine),
    '',
    `Scenarios (--scenario, repeatable or comma-separated): ${SCENARIO_NAMES.join(', ')}.`,
    'Faults: --late-rate, --duplicate-rate, --unknown-sku-rate (shares of events), --malformed N (rows),',
    '--no-faults (every fault not set explicitly is off).',
    '',
    'Output in DIR (default data/generated/<scale>; a previous simulation there is replaced):',
    '  jsonl    00-master.jsonl, then events-YYYY-MM.jsonl in arrival order',
    '  csv      <type>.csv per event type (orders and POs one row per line)',
    '  parquet  <type>.parquet per event type (the CSV columns)',
    '  manifest.json: options, counts by type, faults injected, scenarios, sha256 of every file.',
    'Same options and seed: byte-identical output. Then: retailos ingest DIR',
  ].join('\n'),
  options: {
    scale: {
      type: 'enum',
      choices: SCALE_NAMES,
      default: 'demo',
      valueName: 'NAME',
      description: 'small, demo (default) or m5',
    },
    days: {
      type: 'int',
      min: 1,
      max: 20_000,
      valueName: 'N',
      description: "days to simulate (default: the scale's)",
    },
    seed: {
      type: 'int',
      min: 0,
      max: 2 ** 31 - 1,
      default: DEFAULT_SEED,
      valueName: 'S',
      description: `random seed, a whole number (default ${DEFAULT_SEED})`,
    },
    start: {
      type: 'date',
      valueName: 'DATE',
      description: "first simulated day YYYY-MM-DD (default: the scale's)",
    },
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'output directory (default data/generated/<scale>)',
    },
    format: {
      type: 'enum',
      choices: FORMATS,
      default: 'jsonl',
      valueName: 'FMT',
      description: 'jsonl (default), csv or parquet',
    },
    scenario: {
      type: 'list',
      choices: SCENARIO_NAMES,
      valueName: 'NAME',
      description: 'add a scenario preset',
    },
    'late-rate': { ...RATE, description: 'share of events delivered 2-6 days late' },
    'duplicate-rate': { ...RATE, description: 'share of events delivered twice' },
    malformed: {
      type: 'int',
      min: 0,
      max: 1_000_000,
      valueName: 'N',
      description: 'number of malformed rows',
    },
    'unknown-sku-rate': { ...RATE, description: 'share of POS sales followed by an unknown SKU' },
    'no-faults': { type: 'boolean', description: 'turn off the faults not set explicitly' },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  async run(args, io) {
    const v = args.values;
    const options: SimOptions = {
      scale: v.scale,
      seed: v.seed,
      days: v.days,
      start: v.start,
      format: v.format,
      scenarios: v.scenario ?? [],
      noFaults: v['no-faults'],
      lateRate: v['late-rate'],
      duplicateRate: v['duplicate-rate'],
      malformed: v.malformed,
      unknownSkuRate: v['unknown-sku-rate'],
    };
    const outDir = path.resolve(v.out ?? path.join('data', 'generated', options.scale));
    const progress = new ProgressBar(io.stderr);
    let result: SimulationResult;
    try {
      result = await simulate(options, outDir, {
        onDay: (done, days, events) =>
          progress.update({
            label: 'simulate',
            position: events,
            total: Math.round((events / done) * days),
            unit: 'rows',
            detail: `day ${done}/${days}`,
          }),
      });
    } finally {
      progress.done();
    }
    printSummary(io, result, v.json);
    return 0;
  },
});

function printSummary(io: CommandIo, result: SimulationResult, asJson: boolean): void {
  const { manifest, seconds, eventsPerSecond, outDir } = result;
  if (asJson) {
    io.stdout.write(
      `${JSON.stringify({ outDir, seconds, eventsPerSecond, events: manifest.events, rows: manifest.rows, faults: manifest.faults, scenarios: manifest.scenarios })}\n`,
    );
    return;
  }
  const { options, retailer, events, faults } = manifest;
  const where = path.relative(process.cwd(), outDir) || outDir;
  const lines = [
    `Simulated the ${options.scale} retailer: ${retailer.stores} stores, ${formatCount(retailer.items)} SKUs, ` +
      `${formatCount(retailer.series)} store × SKU series, ${options.days} days ${options.start} to ${options.end} ` +
      `(seed ${options.seed}) → ${where}`,
    '',
    'Events by type:',
    ...Object.entries(events.byType)
      .sort(([, a], [, b]) => b - a)
      .map(([type, count]) => `  ${type.padEnd(20)} ${formatCount(count).padStart(12)}`),
    '',
    `Faults injected: late ${formatCount(faults.late)}, duplicates ${formatCount(faults.duplicates)}, ` +
      `malformed ${formatCount(faults.malformed)}, unknown SKU ${formatCount(faults.unknownSku)}`,
  ];
  for (const scenario of manifest.scenarios) {
    lines.push(`Scenario ${scenario.name}: ${scenario.startDate} to ${scenario.endDate} (exclusive)`);
  }
  lines.push(
    `${formatCount(events.total)} events (${formatCount(events.perDay)} per day, ${formatCount(manifest.rows)} rows) / ` +
      `${seconds.toFixed(2)} s / ${formatCount(Math.round(eventsPerSecond))} events/s`,
    `Next: retailos ingest ${where}`,
    '',
  );
  io.stdout.write(lines.join('\n'));
}
