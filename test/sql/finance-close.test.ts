/**
 * Finance close speed (docs/ledger.md "Finance close"): given events delivered in batches, some of them late by a
 * known amount, the close marts say when each day, week and month stopped changing, what kept it open, and what
 * is still pending. Arrival is business time: the event-time watermark of what had landed before (these
 * fixtures land long after their business time, like a replay), so every expected figure is worked out from
 * the batches below by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { rows } from '../unit/ledger/fixtures.ts';
import { deliverClose } from './close-fixtures.ts';

async function deliver(late: boolean): Promise<Warehouse> {
  const warehouse = await Warehouse.open(':memory:');
  await deliverClose(warehouse, late);
  return warehouse;
}

describe('finance close: late events of known lateness', () => {
  let w: Warehouse;
  beforeAll(async () => {
    w = await deliver(true);
  });
  afterAll(async () => {
    await w.close();
  });

  it('lists the late events that moved money, with their arrival in business time', async () => {
    expect(
      await rows(
        w,
        `SELECT type, occurred_at, arrived_at, late_days, inventory_value, value_moved, revenue, margin
         FROM mart_close_late_events ORDER BY occurred_at`,
      ),
    ).toEqual([
      {
        type: 'receipt',
        occurred_at: '2024-01-03T15:00:00.000Z',
        arrived_at: '2024-01-05T10:00:00.000Z',
        late_days: 1.7917,
        inventory_value: 20,
        value_moved: 20,
        revenue: 0,
        margin: 0,
      },
      {
        // 9 on the books before it (10 + 5 received, 6 sold): 2 missing at 4.00
        type: 'cycle_count',
        occurred_at: '2024-01-07T18:00:00.000Z',
        arrived_at: '2024-01-09T08:00:00.000Z',
        late_days: 1.5833,
        inventory_value: -8,
        value_moved: 8,
        revenue: 0,
        margin: 0,
      },
    ]);
  });

  it('settles each period when the last change before its end arrived', async () => {
    const got = await rows(
      w,
      `SELECT period_grain, period_start, complete, late_events, last_change_at, days_to_settle,
              inventory_value_change, revenue_change
       FROM mart_close_periods WHERE late_events > 0 OR period_grain <> 'day' ORDER BY period_grain, period_start`,
    );
    expect(got).toEqual([
      // the receipt changed the 3rd (its flows) and the 4th (its closing value); the count the 7th and 8th
      {
        period_grain: 'day',
        period_start: '2024-01-03T00:00:00.000Z',
        complete: true,
        late_events: 1,
        last_change_at: '2024-01-05T10:00:00.000Z',
        days_to_settle: 1.4167,
        inventory_value_change: 20,
        revenue_change: 0,
      },
      {
        period_grain: 'day',
        period_start: '2024-01-04T00:00:00.000Z',
        complete: true,
        late_events: 1,
        last_change_at: '2024-01-05T10:00:00.000Z',
        days_to_settle: 0.4167,
        inventory_value_change: 20,
        revenue_change: 0,
      },
      {
        period_grain: 'day',
        period_start: '2024-01-07T00:00:00.000Z',
        complete: true,
        late_events: 1,
        last_change_at: '2024-01-09T08:00:00.000Z',
        days_to_settle: 1.3333,
        inventory_value_change: -8,
        revenue_change: 0,
      },
      {
        period_grain: 'day',
        period_start: '2024-01-08T00:00:00.000Z',
        complete: true,
        late_events: 1,
        last_change_at: '2024-01-09T08:00:00.000Z',
        days_to_settle: 0.3333,
        inventory_value_change: -8,
        revenue_change: 0,
      },
      // January has not ended by the clock: no days to settle yet
      {
        period_grain: 'month',
        period_start: '2024-01-01T00:00:00.000Z',
        complete: false,
        late_events: 0,
        last_change_at: null,
        days_to_settle: null,
        inventory_value_change: 0,
        revenue_change: 0,
      },
      // the week of the 1st ended on the 8th: the count of the 7th reopened it (the receipt came before its end)
      {
        period_grain: 'week',
        period_start: '2024-01-01T00:00:00.000Z',
        complete: true,
        late_events: 1,
        last_change_at: '2024-01-09T08:00:00.000Z',
        days_to_settle: 1.3333,
        inventory_value_change: -8,
        revenue_change: 0,
      },
      {
        period_grain: 'week',
        period_start: '2024-01-08T00:00:00.000Z',
        complete: false,
        late_events: 0,
        last_change_at: null,
        days_to_settle: null,
        inventory_value_change: 0,
        revenue_change: 0,
      },
    ]);
    // every other ended day settled at its end
    const days = await rows(
      w,
      "SELECT count(*) AS n, max(days_to_settle) AS most FROM mart_close_periods WHERE period_grain = 'day' AND complete AND late_events = 0",
    );
    expect(days).toEqual([{ n: 7, most: 0 }]);
  });

  it('names the event types and sources that kept a period open', async () => {
    expect(
      await rows(
        w,
        `SELECT period_start, type, source, events, events_in_period, max_days_after_end
         FROM mart_close_drivers WHERE period_grain = 'day' ORDER BY period_start`,
      ),
    ).toEqual([
      {
        period_start: '2024-01-03T00:00:00.000Z',
        type: 'receipt',
        source: 'unknown',
        events: 1,
        events_in_period: 1,
        max_days_after_end: 1.4167,
      },
      {
        period_start: '2024-01-04T00:00:00.000Z',
        type: 'receipt',
        source: 'unknown',
        events: 1,
        events_in_period: 0,
        max_days_after_end: 0.4167,
      },
      {
        period_start: '2024-01-07T00:00:00.000Z',
        type: 'cycle_count',
        source: 'unknown',
        events: 1,
        events_in_period: 1,
        max_days_after_end: 1.3333,
      },
      {
        period_start: '2024-01-08T00:00:00.000Z',
        type: 'cycle_count',
        source: 'unknown',
        events: 1,
        events_in_period: 0,
        max_days_after_end: 0.3333,
      },
    ]);
  });

  it('serves days to close in mart_kpis: a day its own, a week its last day', async () => {
    const kpi = await rows(
      w,
      `SELECT period_grain, period_start, value, complete FROM mart_kpis
       WHERE kpi = 'close_days' AND scope = 'all' AND period_grain IN ('day', 'week')
         AND period_start IN (DATE '2024-01-03', DATE '2024-01-01', DATE '2024-01-08', DATE '2024-01-11')
       ORDER BY period_grain, period_start`,
    );
    expect(kpi).toEqual([
      { period_grain: 'day', period_start: '2024-01-01T00:00:00.000Z', value: 0, complete: true },
      { period_grain: 'day', period_start: '2024-01-03T00:00:00.000Z', value: 1.4167, complete: true },
      { period_grain: 'day', period_start: '2024-01-08T00:00:00.000Z', value: 0.3333, complete: true },
      { period_grain: 'day', period_start: '2024-01-11T00:00:00.000Z', value: 0, complete: true },
      { period_grain: 'week', period_start: '2024-01-01T00:00:00.000Z', value: 1.3333, complete: true },
      // the week in progress is read on its last day so far, flagged incomplete (compare complete periods only)
      { period_grain: 'week', period_start: '2024-01-08T00:00:00.000Z', value: 0, complete: false },
    ]);
  });

  it('lists what is still pending, and which periods are moving', async () => {
    expect(
      await rows(w, 'SELECT kind, item_id, origin_at, units, value FROM mart_close_pending ORDER BY kind'),
    ).toEqual([
      { kind: 'open_transfer', item_id: 'T1', origin_at: '2024-01-09T11:00:00.000Z', units: 1, value: 4 },
      { kind: 'overdue_po', item_id: 'PO1', origin_at: '2024-01-08T00:00:00.000Z', units: 5, value: 20 },
      {
        kind: 'refund_without_return',
        item_id: 'R2',
        origin_at: '2024-01-09T10:00:00.000Z',
        units: null,
        value: 10,
      },
      { kind: 'ungraded_return', item_id: 'R1', origin_at: '2024-01-09T09:00:00.000Z', units: 1, value: 4 },
    ]);
    const view = `SELECT period_start, status, pending_items, pending_value, overdue_po_lines FROM mart_close
                  WHERE period_grain = 'day' AND status <> 'settled' ORDER BY period_start`;
    expect(await rows(w, view)).toEqual([
      {
        period_start: '2024-01-03T00:00:00.000Z',
        status: 'moving',
        pending_items: 0,
        pending_value: 0,
        overdue_po_lines: 0,
      },
      {
        period_start: '2024-01-04T00:00:00.000Z',
        status: 'moving',
        pending_items: 0,
        pending_value: 0,
        overdue_po_lines: 0,
      },
      {
        period_start: '2024-01-07T00:00:00.000Z',
        status: 'moving',
        pending_items: 0,
        pending_value: 0,
        overdue_po_lines: 0,
      },
      {
        period_start: '2024-01-08T00:00:00.000Z',
        status: 'moving',
        pending_items: 1,
        pending_value: 20,
        overdue_po_lines: 1,
      },
      {
        period_start: '2024-01-09T00:00:00.000Z',
        status: 'pending',
        pending_items: 3,
        pending_value: 18,
        overdue_po_lines: 0,
      },
    ]);
    // quiet for 5 days: the 3rd and 4th (last changed on the 5th, 6.6 days before the clock) have settled
    await w.run("DELETE FROM ledger_settings WHERE key = 'close_quiet_days'");
    await w.run("INSERT INTO ledger_settings (key, value) VALUES ('close_quiet_days', '5')");
    expect((await rows(w, view)).map((row) => [row.period_start, row.status])).toEqual([
      ['2024-01-07T00:00:00.000Z', 'moving'],
      ['2024-01-08T00:00:00.000Z', 'moving'],
      ['2024-01-09T00:00:00.000Z', 'pending'],
    ]);
  });
});

describe('finance close: the same events delivered on time', () => {
  it('settles every ended period at its end', async () => {
    const w = await deliver(false);
    try {
      expect(await rows(w, 'SELECT count(*) AS n FROM mart_close_late_events')).toEqual([{ n: 0 }]);
      expect(
        await rows(
          w,
          `SELECT period_grain, count(*) AS n, max(days_to_settle) AS most FROM mart_close_periods
           WHERE complete GROUP BY ALL ORDER BY ALL`,
        ),
      ).toEqual([
        { period_grain: 'day', n: 11, most: 0 },
        { period_grain: 'week', n: 1, most: 0 },
      ]);
    } finally {
      await w.close();
    }
  });
});

describe('finance close: live data, arrival is received_at', () => {
  it('takes the landing time, not the watermark, when events landed live', async () => {
    const w = await Warehouse.open(':memory:');
    try {
      await deliverClose(w, true);
      // as if landed live: every event received ten minutes after it happened, except the late receipt of the
      // 3rd, which the store's system sent on the 6th at 09:30 (a day later than the replay's watermark says)
      await w.run(
        "UPDATE event_log SET received_at = occurred_at + INTERVAL 10 MINUTE WHERE type <> 'receipt' OR occurred_at <> TIMESTAMPTZ '2024-01-03 15:00:00+00'",
      );
      await w.run(
        "UPDATE event_log SET received_at = TIMESTAMPTZ '2024-01-06 09:30:00+00' WHERE type = 'receipt' AND occurred_at = TIMESTAMPTZ '2024-01-03 15:00:00+00'",
      );
      expect(
        await rows(w, 'SELECT type, arrived_at, late_days FROM mart_close_late_events ORDER BY occurred_at'),
      ).toEqual([
        { type: 'receipt', arrived_at: '2024-01-06T09:30:00.000Z', late_days: 2.7708 },
        // the count of the 7th was received ten minutes after it happened: on time, live
      ]);
      expect(
        await rows(
          w,
          "SELECT period_start, days_to_settle FROM mart_close_periods WHERE period_grain = 'day' AND late_events > 0 ORDER BY 1",
        ),
      ).toEqual([
        { period_start: '2024-01-03T00:00:00.000Z', days_to_settle: 2.3958 },
        { period_start: '2024-01-04T00:00:00.000Z', days_to_settle: 1.3958 },
        { period_start: '2024-01-05T00:00:00.000Z', days_to_settle: 0.3958 },
      ]);
    } finally {
      await w.close();
    }
  });
});
