/**
 * Alert and anomaly lists for people (src/cli/alert-lists.ts) on a real warehouse: alerts stored by the alert
 * store, anomalies in the detector's table, master data from events. Products and nodes are named, figures
 * formatted, the most costly first, and a long list is cut with a count of the rest.
 */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/alerts/evaluate.ts';
import { listAlerts, reconcileAlerts } from '../../src/alerts/store.ts';
import {
  ALERT_COLUMNS,
  ANOMALY_COLUMNS,
  alertTable,
  anomalyTable,
  loadAnomalies,
} from '../../src/cli/alert-lists.ts';
import { formatTable } from '../../src/cli/format.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { rawNumbers } from '../helpers/readable.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, EventFactory, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

async function given(): Promise<Warehouse> {
  const w = await tmp.open();
  const f = new EventFactory();
  await land(w, [
    f.item('SKU-1', 4, 9.99, at(1), { name: 'Blue kettle' }),
    f.item('SKU-2', 4, 9.99, at(1), { name: 'Red kettle' }),
    f.node('DC-1', { name: 'Chicago DC' }),
    f.node('ST-1', { name: 'Boston store', node_type: 'store', can_ship: false }),
    f.make('channel_upserted', at(1), { channel_id: 'WEB', name: 'Web shop', channel_type: 'web' }),
  ]);
  return w;
}

const condition = (over: Partial<Condition>): Condition => ({
  rule_id: 'low-stock',
  kind: 'low_stock',
  condition_key: 'x',
  severity: 'warning',
  role: 'planner',
  node_id: null,
  channel_id: null,
  sku: null,
  title: 'Low stock',
  detail: 'detail',
  metric_value: 1.23456789,
  threshold: 2,
  impact: {},
  ...over,
});

describe('alert list for people', () => {
  it('names products and nodes, formats money, and puts the costliest first', async () => {
    const w = await given();
    await reconcileAlerts(
      w,
      [
        condition({
          condition_key: 'a',
          sku: 'SKU-1',
          node_id: 'ST-1',
          impact: { revenue_at_risk: 12.345678 },
        }),
        condition({ condition_key: 'b', sku: 'SKU-2', node_id: 'ST-1', impact: { revenue_at_risk: 1234.5 } }),
        condition({
          rule_id: 'delayed-inbound',
          kind: 'delayed_inbound',
          condition_key: 'c',
          severity: 'critical',
          node_id: 'DC-1',
          title: 'Delayed inbound: po P1 to DC-1',
          impact: { open_units: 40, orders_exposed: 3 },
        }),
        condition({
          rule_id: 'delayed-inbound',
          kind: 'delayed_inbound',
          condition_key: 'd',
          severity: 'critical',
          node_id: 'DC-1',
          title: 'Delayed inbound: po P2 to DC-1',
          impact: { open_units: 5, orders_exposed: 12 },
        }),
        condition({ condition_key: 'e', channel_id: 'WEB', severity: 'info', impact: { value: 99999 } }),
      ],
      ['low-stock', 'delayed-inbound'],
      new Date('2024-01-05T10:00:00Z'),
    );
    const alerts = await listAlerts(w, { status: 'all' });
    const { rows, more } = await alertTable(w, alerts);
    expect(more).toBe(0);
    expect(rows.map((r) => [r.severity, r.title, r.about, r['at stake'], r.orders])).toEqual([
      ['critical', 'Delayed inbound: po P2 to DC-1', 'Chicago DC', '', '12'],
      ['critical', 'Delayed inbound: po P1 to DC-1', 'Chicago DC', '', '3'],
      ['warning', 'Low stock', 'Red kettle, Boston store', '$1,234.50', ''],
      ['warning', 'Low stock', 'Blue kettle, Boston store', '$12.35', ''],
      ['info', 'Low stock', 'Web shop', '$99,999.00', ''],
    ]);
    expect(rows[0]!.opened).toBe('2024-01-05');
    const text = formatTable([...ALERT_COLUMNS], rows);
    expect(rawNumbers(text)).toEqual([]);
    expect(text).not.toMatch(/al-[0-9a-f]{16}/); // no id that no command takes

    const top = await alertTable(w, alerts, 2);
    expect(top.rows).toHaveLength(2);
    expect(top.more).toBe(3);
  });
});

describe('anomaly list for people', () => {
  it('the largest first, named, with actual against expected and the change', async () => {
    const w = await given();
    const anomaly = (
      metric: string,
      kind: string,
      id: string,
      day: string,
      value: number,
      expected: number,
      score: number,
    ) =>
      w.run(
        `INSERT INTO anomalies VALUES ($metric, $kind, $id, $day::DATE, $value, $expected, $score,
           CASE WHEN $value >= $expected THEN 'up' ELSE 'down' END, true, 'run-1', now())`,
        { metric, kind, id, day, value, expected, score },
      );
    await anomaly('sales_units', 'sku', 'SKU-1', '2024-01-03', 30, 10.123456, 0.9);
    await anomaly('sales_units', 'node', 'ST-1', '2024-01-04', 300, 100, 1);
    await anomaly('refunds_amount', 'channel', 'WEB', '2024-01-04', 12.5, 250.333333, 1);
    await anomaly('returns_units', 'category', 'home', '2024-01-02', 8, 2, 0.7);
    await w.run(
      `INSERT INTO anomalies VALUES ('sales_units', 'sku', 'SKU-2', DATE '2024-01-04', 11, 10, 0.1, 'up', false, 'run-1', now())`,
    );
    const { rows, more } = await anomalyTable(w, await loadAnomalies(w));
    expect(more).toBe(0);
    expect(rows).toEqual([
      {
        day: '2024-01-04',
        metric: 'refunds amount',
        where: 'WEB Web shop',
        actual: '$12.50',
        expected: '$250.33',
        change: '-95%',
        score: '1',
      },
      {
        day: '2024-01-04',
        metric: 'sales units',
        where: 'ST-1 Boston store',
        actual: '300',
        expected: '100',
        change: '+200%',
        score: '1',
      },
      {
        day: '2024-01-03',
        metric: 'sales units',
        where: 'SKU-1 Blue kettle',
        actual: '30',
        expected: '10',
        change: '+196%',
        score: '0.9',
      },
      {
        day: '2024-01-02',
        metric: 'returns units',
        where: 'category home',
        actual: '8',
        expected: '2',
        change: '+300%',
        score: '0.7',
      },
    ]);
    expect(rawNumbers(formatTable([...ANOMALY_COLUMNS], rows))).toEqual([]);
    expect((await loadAnomalies(w, '2024-01-04')).length).toBe(2);
  });
});
