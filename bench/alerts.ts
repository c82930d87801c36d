import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadAlertConfig } from '../src/alerts/config.ts';
import { checkScenarios, type ScenarioRecord } from '../src/alerts/scenario-check.ts';
import { main } from '../src/cli/main.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

const sink = () =>
  new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });

async function cli(argv: string[]): Promise<void> {
  const code = await main(argv, { stdout: sink(), stderr: process.stderr, env: {} });
  if (code !== 0) throw new Error(`retailos ${argv.join(' ')} exited ${code}`);
}

/**
 * The scenario check: a small simulated retailer (56 days, all four scenarios from day 28), landed,
 * replayed day by day through anomaly detection and the alert rules with a webhook subscriber.
 */
export async function benchAlerts(options: { events: number }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const days = options.events > 0 ? options.events : 56;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-alerts-'));
  try {
    const sim = path.join(dir, 'sim');
    const db = path.join(dir, 'w.duckdb');
    process.stderr.write('simulating and landing…\n');
    await cli([
      'simulate',
      '--scale',
      'small',
      '--days',
      String(days),
      '--seed',
      '7',
      '--no-faults',
      '--scenario',
      'promo-spike,supplier-delay,returns-wave,dc-labour-shortage',
      '--out',
      sim,
    ]);
    await cli(['ingest', sim, '--db', db]);
    await cli(['refresh', '--db', db]);
    const manifest = JSON.parse(fs.readFileSync(path.join(sim, 'manifest.json'), 'utf8')) as {
      options: { start: string; end: string };
      scenarios: ScenarioRecord[];
    };
    const warehouse = await Warehouse.open(db);
    try {
      const first = new Date(Date.parse(`${manifest.options.start}T00:00:00Z`) + 21 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const result = await checkScenarios(warehouse, manifest.scenarios, loadAlertConfig(), {
        firstDay: first,
        lastDay: manifest.options.end,
        onDay: (day) => process.stderr.write(`\r${day}`),
      });
      process.stderr.write('\n');
      const rows: BenchRow[] = result.expectations.map((e) => ({
        metric: `${e.scenario}: ${e.expected}`,
        value: e.firstAlert ? 1 : 0,
        unit: e.firstAlert ? `on ${e.firstAlert.day}` : 'missed',
        target: 'fires',
        ok: e.firstAlert !== null,
      }));
      rows.push(
        { metric: 'anomaly alerts delivered', value: result.anomaly.alerts, unit: 'alerts' },
        {
          metric: 'anomaly alert precision vs injected incidents',
          value: result.anomaly.precision ?? 0,
          unit: 'ratio',
        },
        {
          metric: 'anomaly alert recall (incidents detected)',
          value: result.anomaly.recall ?? 0,
          unit: 'ratio',
        },
        { metric: 'alerts reaching the subscriber', value: result.received, unit: 'alerts' },
      );
      return {
        name: 'alerts',
        description: 'simulator scenarios replayed day by day: expected alerts reach a webhook subscriber',
        startedAt,
        parameters: {
          scale: 'small',
          days,
          seed: 7,
          replayDays: result.days,
          unmatchedAnomalies: result.anomaly.unmatched,
          expectations: result.expectations,
        },
        rows,
      };
    } finally {
      await warehouse.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
