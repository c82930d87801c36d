/**
 * The exception queue's extra sources (sql/marts/exceptions.sql): damaged stock awaiting a disposition and
 * detector anomalies of the last 7 business days. Given events (and scored anomalies) → expected rows.
 */
import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, EventFactory, failingAssertions, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

describe('exceptions: damaged stock and anomalies', () => {
  it('opens damaged_stock while units sit in the damaged bucket, valued at the average cost', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await w.run("UPDATE ledger_settings SET value = '2024-01-10T00:00:00Z' WHERE key = 'clock'");
    await land(w, [
      f.item('A', 4, 10),
      f.node('DC'),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 4 }),
      f.make('status_changed', at(3), {
        node_id: 'DC',
        sku: 'A',
        qty: 3,
        from_status: 'sellable',
        to_status: 'damaged',
      }),
    ]);
    await refreshLedger(w);
    const rows = await w.all<Record<string, unknown>>(
      "SELECT sku, node_id, severity, qty, value::DOUBLE AS value FROM exceptions WHERE exception_type = 'damaged_stock'",
    );
    expect(rows).toEqual([{ sku: 'A', node_id: 'DC', severity: 'low', qty: 3, value: 12 }]);
    // Disposed of (written off): the episode clears and stays listed, resolved, with when and how long.
    await land(w, [
      f.make('adjustment', at(4), { node_id: 'DC', sku: 'A', qty: -3, reason: 'damage', status: 'damaged' }),
    ]);
    await refreshLedger(w);
    const after = await w.all<Record<string, unknown>>(
      `SELECT status, strftime(opened_at, '%d') AS opened, strftime(cleared_at, '%d') AS cleared, duration_hours, qty
       FROM exceptions WHERE exception_type = 'damaged_stock'`,
    );
    expect(after).toEqual([{ status: 'resolved', opened: '03', cleared: '04', duration_hours: 24, qty: 3 }]);
  });

  it('opens delayed_receipt when a supplier pushes an open PO later, until it is overdue or received', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await w.run("UPDATE ledger_settings SET value = '2024-01-10T00:00:00Z' WHERE key = 'clock'");
    await land(w, [
      f.item('A', 4, 10),
      f.node('DC'),
      f.make('po_created', at(2), {
        po_id: 'PO-1',
        supplier_id: 'S1',
        node_id: 'DC',
        expected_at: at(12),
        lines: [{ line_id: '1', sku: 'A', qty: 10, unit_cost: 4 }],
      }),
      f.make('po_created', at(2), {
        po_id: 'PO-2',
        supplier_id: 'S1',
        node_id: 'DC',
        expected_at: at(12),
        lines: [{ line_id: '1', sku: 'A', qty: 5, unit_cost: 4 }],
      }),
      f.make('po_updated', at(5), { po_id: 'PO-1', expected_at: at(20) }),
    ]);
    await refreshLedger(w);
    const rows = await w.all<Record<string, unknown>>(
      `SELECT po_id, severity, qty, value::DOUBLE AS value, json_extract(detail, '$.slip_days')::INTEGER AS slip
       FROM exceptions WHERE exception_type = 'delayed_receipt'`,
    );
    expect(rows).toEqual([{ po_id: 'PO-1', severity: 'high', qty: 10, value: 40, slip: 8 }]);
    // Received in full: the delay is over; the episode stays, resolved.
    await land(w, [
      f.make('receipt', at(9), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 4, po_id: 'PO-1' }),
    ]);
    await refreshLedger(w);
    expect(
      await w.all(
        `SELECT po_id, status, strftime(opened_at, '%d') AS opened, strftime(cleared_at, '%d') AS cleared
         FROM exceptions WHERE exception_type = 'delayed_receipt'`,
      ),
    ).toEqual([{ po_id: 'PO-1', status: 'resolved', opened: '05', cleared: '09' }]);
  });

  it('opens one anomaly exception per metric × scope × day, open for the 7 days after it', async () => {
    const w = await tmp.open();
    await w.run("UPDATE ledger_settings SET value = '2024-01-20T00:00:00Z' WHERE key = 'clock'");
    await w.run(`INSERT INTO anomalies VALUES
      ('refunds_amount', 'channel', 'WEB', DATE '2024-01-19', 900, 100, 0.95, 'up', true, 'r1', TIMESTAMPTZ '2024-01-20 00:00:00+00'),
      ('sales_units', 'node', 'ST-1', DATE '2024-01-19', 5, 50, 0.5, 'down', true, 'r1', TIMESTAMPTZ '2024-01-20 00:00:00+00'),
      ('sales_units', 'node', 'ST-2', DATE '2024-01-19', 49, 50, 0.1, 'down', false, 'r1', TIMESTAMPTZ '2024-01-20 00:00:00+00'),
      ('sales_units', 'node', 'ST-1', DATE '2024-01-05', 5, 50, 0.99, 'down', true, 'r0', TIMESTAMPTZ '2024-01-06 00:00:00+00')`);
    const rows = await w.all<Record<string, unknown>>(
      `SELECT severity, node_id, json_extract_string(detail, '$.metric') AS metric, strftime(opened_at, '%Y-%m-%d') AS day,
              status, strftime(cleared_at, '%Y-%m-%d') AS cleared
       FROM exceptions WHERE exception_type = 'anomaly' ORDER BY metric, day`,
    );
    expect(rows).toEqual([
      {
        severity: 'high',
        node_id: null,
        metric: 'refunds_amount',
        day: '2024-01-19',
        status: 'open',
        cleared: null,
      },
      {
        severity: 'high',
        node_id: 'ST-1',
        metric: 'sales_units',
        day: '2024-01-05',
        status: 'resolved',
        cleared: '2024-01-13',
      },
      {
        severity: 'medium',
        node_id: 'ST-1',
        metric: 'sales_units',
        day: '2024-01-19',
        status: 'open',
        cleared: null,
      },
    ]);
  });

  it('demand_above_plan: one exception per series, channel series apart; a series no run flags any more is resolved', async () => {
    const w = await tmp.open();
    await w.run("UPDATE ledger_settings SET value = '2024-02-01T00:00:00Z' WHERE key = 'clock'");
    await w.run(`INSERT INTO forecast_runs (run_id, model_version, origin_date, horizon, series) VALUES
      (1, 'gbdt-v1', DATE '2024-01-14', 28, 3), (2, 'gbdt-v1', DATE '2024-01-21', 28, 3)`);
    const signal = (run: number, kind: string, node: string | null, channel: string | null, start: string) =>
      `(${run}, '${kind}', 'A', ${node === null ? 'NULL' : `'${node}'`}, ${channel === null ? 'NULL' : `'${channel}'`},
        DATE '${start}', DATE '${start}' + 6, 30, 10, 14, 2, 0, 'other', 40, 20, 20, 'high', 20, 7, 10, 10, 5, 100,
        TIMESTAMPTZ '${start} 00:00:00+00')`;
    // the same sku above plan on two channels and at a node, run after run; the node series stops at run 2
    await w.run(`INSERT INTO demand_signals (run_id, series_kind, sku, node_id, channel_id, window_start, window_end,
        actual_units, planned_units, upper_units, uplift_pct, promo_days, driver, next_demand, cover_units,
        shortfall_units, severity, excess_units, cover_days, available_units, inbound_units, unit_price,
        revenue_at_risk, opened_at) VALUES
      ${signal(1, 'channel', null, 'WEB', '2024-01-08')}, ${signal(1, 'channel', null, 'MKT', '2024-01-08')},
      ${signal(1, 'node', 'ST-1', null, '2024-01-08')},
      ${signal(2, 'channel', null, 'WEB', '2024-01-08')}, ${signal(2, 'channel', null, 'MKT', '2024-01-08')}`);
    const rows = await w.all<Record<string, unknown>>(
      `SELECT node_id, json_extract_string(detail, '$.channel_id') AS channel, status,
              strftime(cleared_at, '%Y-%m-%d') AS cleared
       FROM exceptions WHERE exception_type = 'demand_above_plan' ORDER BY channel, node_id`,
    );
    expect(rows).toEqual([
      { node_id: null, channel: 'MKT', status: 'open', cleared: null },
      { node_id: null, channel: 'WEB', status: 'open', cleared: null },
      // not flagged by run 2 (origin the 21st): cleared as of the end of that day
      { node_id: 'ST-1', channel: null, status: 'resolved', cleared: '2024-01-22' },
    ]);
    const [ids] = await w.all<{ n: bigint; ids: bigint }>(
      'SELECT count(*) AS n, count(DISTINCT exception_id) AS ids FROM exceptions',
    );
    expect(Number(ids!.ids)).toBe(Number(ids!.n));
    expect(await failingAssertions(w)).toEqual([]);
  });
});
