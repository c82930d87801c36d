/**
 * The exception queue's extra sources (sql/marts/exceptions.sql): damaged stock awaiting a disposition and
 * detector anomalies of the last 7 business days. Given events (and scored anomalies) → expected rows.
 */
import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, EventFactory, land } from '../unit/ledger/fixtures.ts';

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
});
