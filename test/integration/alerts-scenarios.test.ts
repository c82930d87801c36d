import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAlertConfig } from '../../src/alerts/config.ts';
import { checkScenarios, type ScenarioRecord } from '../../src/alerts/scenario-check.ts';
import { runMain, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

describe('alerts on the simulator scenarios', () => {
  it('supplier-delay, dc-labour-shortage and promo-spike alerts reach a webhook subscriber', async () => {
    const sim = tmp.join('sim');
    const db = tmp.join('w.duckdb');
    const scenarios = 'promo-spike,supplier-delay,dc-labour-shortage';
    for (const argv of [
      [
        'simulate',
        '--scale',
        'small',
        '--days',
        '28',
        '--seed',
        '11',
        '--no-faults',
        '--scenario',
        scenarios,
        '--out',
        sim,
      ],
      ['ingest', sim, '--db', db],
      ['refresh', '--db', db],
    ]) {
      const result = await runMain(argv);
      expect(result.status, result.stderr).toBe(0);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(sim, 'manifest.json'), 'utf8')) as {
      scenarios: ScenarioRecord[];
    };
    const start = manifest.scenarios[0]!.startDate;
    const warehouse = await tmp.open('w.duckdb');
    const plusDays = (n: number) =>
      new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    // the day before the scenarios start, then their first three days
    const result = await checkScenarios(warehouse, manifest.scenarios, loadAlertConfig(), {
      firstDay: plusDays(-1),
      lastDay: plusDays(3),
    });
    expect(result.days).toBe(5);
    const byScenario = Object.fromEntries(result.expectations.map((e) => [e.scenario, e.firstAlert]));
    expect(byScenario['supplier-delay'], 'delayed PO alert').not.toBeNull();
    expect(byScenario['dc-labour-shortage'], 'DC backlog alert').not.toBeNull();
    expect(byScenario['promo-spike'], 'low stock on a promoted sku').not.toBeNull();
    // none of them fired before the scenario began
    for (const hit of Object.values(byScenario)) expect(hit!.day >= start).toBe(true);
    // every delivered alert was recorded in the delivery log
    const delivered = await warehouse.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM alert_deliveries WHERE status = 'delivered'`,
    );
    expect(Number(delivered!.n)).toBeGreaterThan(0);
    // simulate + land + five replayed days: ~20 s alone, up to a minute on a loaded machine
  }, 240_000);
});
