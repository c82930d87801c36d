import path from 'node:path';
import {
  DEFAULT_SEED,
  FORMATS,
  SCALE_NAMES,
  SCALES,
  SCENARIO_NAMES,
  type ScaleName,
  type ScenarioName,
  type SimOptions,
} from '../../sim/params.ts';
import { type SimulationResult, simulate } from '../../sim/simulate.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { Command, CommandIo } from '../command.ts';
import { formatCount } from '../format.ts';
import { ProgressBar } from '../progress.ts';

function scaleLine(name: ScaleName): string {
  const scale = SCALES[name];
  const faults = scale.faults;
  const faultText =
    faults.lateRate + faults.duplicateRate + faults.malformed + faults.unknownSkuRate === 0
      ? 'faults off'
      : `faults on (late ${faults.lateRate}, duplicates ${faults.duplicateRate}, malformed ${faults.malformed}, unknown SKU ${faults.unknownSkuRate})`;
  return `  ${name.padEnd(6)} ${scale.description}; ${scale.days} days from ${scale.start}; ${faultText}`;
}

export const simulateCommand: Command = {
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
    scale: { type: 'string', valueName: 'NAME', description: 'small, demo (default) or m5' },
    days: { type: 'string', valueName: 'N', description: "days to simulate (default: the scale's)" },
    seed: {
      type: 'string',
      valueName: 'S',
      description: `random seed, a whole number (default ${DEFAULT_SEED})`,
    },
    start: {
      type: 'string',
      valueName: 'DATE',
      description: "first simulated day YYYY-MM-DD (default: the scale's)",
    },
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'output directory (default data/generated/<scale>)',
    },
    format: { type: 'string', valueName: 'FMT', description: 'jsonl (default), csv or parquet' },
    scenario: { type: 'string', multiple: true, valueName: 'NAME', description: 'add a scenario preset' },
    'late-rate': { type: 'string', valueName: 'R', description: 'share of events delivered 2-6 days late' },
    'duplicate-rate': { type: 'string', valueName: 'R', description: 'share of events delivered twice' },
    malformed: { type: 'string', valueName: 'N', description: 'number of malformed rows' },
    'unknown-sku-rate': {
      type: 'string',
      valueName: 'R',
      description: 'share of POS sales followed by an unknown SKU',
    },
    'no-faults': { type: 'boolean', description: 'turn off the faults not set explicitly' },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  async run(args, io) {
    if (args.positionals.length > 0) {
      throw new UserError(
        `simulate takes no arguments, got "${args.positionals[0]}" (use --out DIR for the output)`,
      );
    }
    const options = parseOptions(args.values);
    const outDir = path.resolve(
      (args.values.out as string | undefined) ?? path.join('data', 'generated', options.scale),
    );
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
    printSummary(io, result, args.values.json === true);
    return 0;
  },
};

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parseOptions(values: Values): SimOptions {
  const scale = (values.scale as string | undefined) ?? 'demo';
  if (!(SCALE_NAMES as readonly string[]).includes(scale)) {
    throw new UserError(`--scale must be one of ${SCALE_NAMES.join(', ')}, got "${scale}"`);
  }
  const format = (values.format as string | undefined) ?? 'jsonl';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UserError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  }
  const scenarios: ScenarioName[] = [];
  for (const entry of (values.scenario as string[] | undefined) ?? []) {
    for (const name of entry
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')) {
      if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
        throw new UserError(`unknown scenario "${name}": choose from ${SCENARIO_NAMES.join(', ')}`);
      }
      scenarios.push(name as ScenarioName);
    }
  }
  const start = values.start as string | undefined;
  if (start !== undefined && !isDate(start))
    throw new UserError(`--start must be a date YYYY-MM-DD, got "${start}"`);
  return {
    scale: scale as ScaleName,
    seed: integer(values.seed, '--seed', 0, 2 ** 31 - 1) ?? DEFAULT_SEED,
    days: integer(values.days, '--days', 1, 20_000),
    start,
    format: format as SimOptions['format'],
    scenarios,
    noFaults: values['no-faults'] === true,
    lateRate: rate(values['late-rate'], '--late-rate'),
    duplicateRate: rate(values['duplicate-rate'], '--duplicate-rate'),
    malformed: integer(values.malformed, '--malformed', 0, 1_000_000),
    unknownSkuRate: rate(values['unknown-sku-rate'], '--unknown-sku-rate'),
  };
}

function integer(raw: unknown, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  if (text === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`${flag} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
  }
  return value;
}

function rate(raw: unknown, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UserError(`${flag} must be a share from 0 to 1 (0.005 = 0.5%), got "${String(raw)}"`);
  }
  return value;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === text;
}

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
