/**
 * The simulator end to end: the `simulate` command writes a small retailer, `ingestSources` lands it in a
 * real warehouse, and the warehouse's counts are the manifest's: every valid event accepted once, every
 * injected duplicate a duplicate, exactly the malformed rows rejected, nothing in conflict. The same run
 * as CSV and as Parquet lands the same events (same ids, same canonical bodies).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/commands/simulate.ts';
import { type Manifest, readManifest } from '../../src/sim/simulate.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { runCli } from '../helpers/cli.ts';
import { count, ingest, rejects, STACK_FRAME, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

/** The command the way `retailos simulate …` runs it (parse, help, user errors), output captured. */
const simulateCli = (argv: string[]) => runCli(simulateCommand, argv);

const FAULT_FLAGS = [
  '--late-rate',
  '0.01',
  '--duplicate-rate',
  '0.01',
  '--malformed',
  '9',
  '--unknown-sku-rate',
  '0.02',
];

async function simulateSmall(format: string, days = 28): Promise<{ dir: string; manifest: Manifest }> {
  const dir = tmp.join(`sim-${format}`);
  const argv = ['--scale', 'small', '--days', String(days), '--seed', '3', '--out', dir, '--format', format];
  const result = await simulateCli([...argv, ...FAULT_FLAGS]);
  expect(result.status, result.stderr).toBe(0);
  return { dir, manifest: readManifest(dir)! };
}

async function payloads(warehouse: Warehouse): Promise<Map<string, string>> {
  const rows = await warehouse.all<{ event_id: string; payload: string }>(
    'SELECT event_id, payload::VARCHAR AS payload FROM events',
  );
  return new Map(rows.map((row) => [row.event_id, row.payload]));
}

describe('retailos simulate → retailos ingest', () => {
  it('lands every valid event once, counts the injected duplicates and rejects exactly the malformed rows', async () => {
    const { dir, manifest } = await simulateSmall('jsonl');
    expect(manifest.faults.malformed).toBe(9);
    expect(manifest.faults.duplicates).toBeGreaterThan(0);
    expect(manifest.faults.late).toBeGreaterThan(0);
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [dir]);
    expect(summary.accepted).toBe(manifest.events.total);
    expect(summary.duplicates).toBe(manifest.faults.duplicates);
    expect(summary.rejected).toBe(manifest.faults.malformed);
    expect(summary.conflicts).toBe(0);
    expect(await count(warehouse, 'SELECT count(*) AS n FROM events')).toBe(manifest.events.total);
    for (const [type, n] of Object.entries(manifest.events.byType)) {
      expect(await count(warehouse, `SELECT count(*) AS n FROM events WHERE type = '${type}'`), type).toBe(n);
    }
    // truncated lines are unreadable, the others invalid (a missing or non-numeric qty)
    const stored = await rejects(warehouse);
    expect(stored).toHaveLength(9);
    expect(stored.filter((reject) => reject.reason === 'unreadable')).toHaveLength(3);
    expect(
      stored
        .filter((reject) => reject.reason === 'invalid')
        .every((reject) => reject.errors[0]!.path === 'qty'),
    ).toBe(true);
    // unknown SKUs land (they are valid events) and are findable
    const unknown = await count(
      warehouse,
      `SELECT count(*) AS n FROM events e WHERE type = 'pos_sale'
         AND json_extract_string(payload, '$.sku') NOT IN (SELECT sku FROM stg_items)`,
    );
    expect(unknown).toBe(manifest.faults.unknownSku);
    // idempotent: a second ingest lands nothing new
    const again = await ingest(warehouse, [dir]);
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(manifest.events.total + manifest.faults.duplicates);
  });

  it('lands the same events from CSV and Parquet as from JSON Lines', async () => {
    const jsonl = await simulateSmall('jsonl', 10);
    const csv = await simulateSmall('csv', 10);
    const parquet = await simulateSmall('parquet', 10);
    expect(csv.manifest.events).toEqual(jsonl.manifest.events);
    expect(parquet.manifest.events).toEqual(jsonl.manifest.events);
    expect(fs.readdirSync(parquet.dir).some((name) => name.endsWith('.csv'))).toBe(false);
    expect(fs.existsSync(path.join(parquet.dir, 'order_placed.parquet'))).toBe(true);
    // an order delivered twice comes again in a file of its own (rows sharing an id form one event)
    expect(fs.readdirSync(csv.dir).filter((name) => name.includes('.redelivered-')).length).toBeGreaterThan(
      0,
    );

    const reference = await payloads(await landed(jsonl.dir, 'jsonl.duckdb', jsonl.manifest));
    const fromCsv = await payloads(await landed(csv.dir, 'csv.duckdb', csv.manifest));
    const fromParquet = await payloads(await landed(parquet.dir, 'parquet.duckdb', parquet.manifest));
    expect(fromCsv.size).toBe(reference.size);
    expect(fromParquet.size).toBe(reference.size);
    let different = 0;
    for (const [id, payload] of reference) {
      if (fromCsv.get(id) !== payload || fromParquet.get(id) !== payload) different++;
    }
    expect(different).toBe(0);
  });
});

async function landed(dir: string, name: string, manifest: Manifest): Promise<Warehouse> {
  const warehouse = await tmp.open(name);
  const summary = await ingest(warehouse, [dir]);
  expect(summary.accepted).toBe(manifest.events.total);
  expect(summary.duplicates).toBe(manifest.faults.duplicates);
  expect(summary.rejected).toBe(manifest.faults.malformed);
  expect(summary.conflicts).toBe(0);
  return warehouse;
}

describe('retailos simulate (command line)', () => {
  it('prints help with the scales, scenarios and output layout', async () => {
    const result = await simulateCli(['--help']);
    expect(result.status).toBe(0);
    for (const word of [
      'small',
      'demo',
      'm5',
      'promo-spike',
      'dc-labour-shortage',
      'manifest.json',
      '--no-faults',
    ]) {
      expect(result.stdout).toContain(word);
    }
  });

  it('summarises events by type, faults, speed and what to do next', async () => {
    const dir = tmp.join('summary');
    const result = await simulateCli([
      '--scale',
      'small',
      '--days',
      '7',
      '--out',
      dir,
      '--scenario',
      'promo-spike',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/pos_sale\s+[\d,]+/);
    expect(result.stdout).toContain('Faults injected: late 0, duplicates 0, malformed 0, unknown SKU 0');
    expect(result.stdout).toMatch(/events\/s/);
    expect(result.stdout).toContain('Scenario promo-spike');
    expect(result.stdout).toContain('Next: retailos ingest');
    expect(result.stderr).toBe(''); // no progress bar off a terminal
  });

  it('turns bad flags into one-line user errors', async () => {
    const cases: [string[], RegExp][] = [
      [['--scale', 'huge'], /Unknown --scale "huge": use small, demo or m5\./],
      [['--days', 'ten'], /--days takes a whole number from 1 to \d+, got "ten"/],
      [['--seed=-1'], /--seed takes a whole number from 0 to \d+, got "-1"/],
      [['--format', 'xml'], /Unknown --format "xml": use jsonl, csv or parquet/],
      [['--scenario', 'flood'], /Unknown --scenario "flood": use promo-spike/],
      [['--late-rate', '1.5'], /--late-rate takes a share from 0 to 1/],
      [['--malformed', '2.5'], /--malformed takes a whole number/],
      [['--start', '2024-02-30'], /--start takes a date YYYY-MM-DD, got "2024-02-30"/],
      [['somewhere'], /takes no arguments/],
    ];
    for (const [argv, message] of cases) {
      const result = await simulateCli(argv);
      expect(result.status, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      // one line, and for a misplaced argument a second one: where the usage is
      const lines = result.stderr.trim().split('\n');
      expect(lines.length).toBeLessThanOrEqual(2);
      if (lines.length === 2) expect(lines[1]).toBe('Run retailos simulate --help for usage.');
    }
    const taken = tmp.write('taken/notes.md', 'not a simulation');
    const result = await simulateCli(['--scale', 'small', '--days', '2', '--out', path.dirname(taken)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not empty and holds no simulation/);
  });
});
