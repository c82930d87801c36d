import { describe, expect, it } from 'vitest';
import { detectOperationalAnomalies, loadDailySeries } from '../../../src/anomaly/operational.ts';
import { refreshLedger } from '../../../src/ledger/refresh.ts';
import { useTempDir } from '../../helpers/retailos.ts';
import { at, EventFactory, land, pinClock } from '../ledger/fixtures.ts';

const tmp = useTempDir();

/** Given: a store selling A (a slow mover) and B (sold once, long ago), one shrink event, one web order. */
function given() {
  const f = new EventFactory('d');
  const sale = (day: string, sku: string, qty: number) =>
    f.make('pos_sale', day, { node_id: 'ST', sku, qty, unit_price: 5 });
  return [
    f.item('A', 2, 5),
    f.item('B', 2, 5),
    f.node('ST', { node_type: 'store' }),
    f.make('receipt', at(1), { node_id: 'ST', sku: 'A', qty: 50, unit_cost: 2 }),
    f.make('receipt', at(1), { node_id: 'ST', sku: 'B', qty: 50, unit_cost: 2 }),
    sale(at(2, 10), 'B', 1),
    sale(at(5, 10), 'A', 2),
    sale(at(9, 10), 'A', 1),
    // shrink: one damaged case of 3 units is one event
    f.make('adjustment', at(4, 9), { node_id: 'ST', sku: 'A', qty: -3, reason: 'damage' }),
    f.make('order_placed', at(6, 8), {
      order_id: 'O1',
      channel_id: 'WEB',
      ship_to_region: 'east',
      service_level: 'pickup',
      pickup_node_id: 'ST',
      lines: [
        { line_id: '1', sku: 'A', qty: 1, unit_price: 5 },
        { line_id: '2', sku: 'B', qty: 1, unit_price: 5 },
      ],
    }),
    f.make('order_cancelled', at(6, 9), { order_id: 'O1', line_id: '2' }),
    // wrong clocks: one sale dated 5 days ahead of its arrival (inside the business time window, which refuses
    // anything later), one dated 2020
    sale(new Date(Date.now() + 5 * 86_400_000).toISOString(), 'A', 1),
    sale('2020-01-01T10:00:00Z', 'A', 1),
  ];
}

describe('daily operational series (sql/anomaly/daily_series.sql)', () => {
  it('ends at the last plausible day, starts at most max_days before; sku series cover the last sku_days', async () => {
    const w = await tmp.open();
    await land(w, given());
    await refreshLedger(w);
    // the business clock at the end of 9 January: the last whole day
    await pinClock(w, '2024-01-10T00:00:00Z');
    const points = await loadDailySeries(w, { maxDays: 30, skuDays: 5 });
    const days = points.map((p) => p.day).sort();
    // the sale dated ahead does not stretch the range; the 2020 sale does not reach back four years
    expect(days[0]).toBe('2023-12-11');
    expect(days.at(-1)).toBe('2024-01-09');
    const sku = points.filter((p) => p.scope_kind === 'sku');
    // B sold only before the last 5 days: no series; A, the slow mover, has one over those 5 days
    expect(new Set(sku.map((p) => p.scope_id))).toEqual(new Set(['A']));
    expect(sku.map((p) => [p.day, p.value, p.events, p.exposure])).toEqual([
      ['2024-01-05', 2, 2, 1],
      ['2024-01-06', 0, 0, 1],
      ['2024-01-07', 0, 0, 1],
      ['2024-01-08', 0, 0, 1],
      ['2024-01-09', 1, 1, 1],
    ]);
  });

  it('counts shrink adjustments (not units) and cancelled lines out of lines placed', async () => {
    const w = await tmp.open();
    await land(w, given());
    await refreshLedger(w);
    // the business clock at the end of 9 January: the last whole day
    await pinClock(w, '2024-01-10T00:00:00Z');
    const points = await loadDailySeries(w, { maxDays: 30, skuDays: 5 });
    const one = (metric: string, day: string) => points.find((p) => p.metric === metric && p.day === day);
    expect(one('shrink_units', '2024-01-04')).toMatchObject({
      scope_id: 'ST',
      value: 3,
      events: 1,
      exposure: 1,
    });
    expect(one('cancellation_rate', '2024-01-06')).toMatchObject({
      scope_id: 'WEB',
      value: 0.5,
      events: 1,
      exposure: 2,
    });
    // a day without orders: nothing could be cancelled
    expect(one('cancellation_rate', '2024-01-07')).toMatchObject({ events: 0, exposure: 0 });
    // store sales stay an amount for the ONNX detector
    const store = points.find(
      (p) => p.metric === 'sales_units' && p.scope_kind === 'node' && p.day === '2024-01-05',
    );
    expect(store).toMatchObject({ value: 2, events: null, exposure: null });
  });

  it('detection writes every scored day and stays bounded with a far-future event', async () => {
    const w = await tmp.open();
    await land(w, given());
    await refreshLedger(w);
    // the business clock at the end of 9 January: the last whole day
    await pinClock(w, '2024-01-10T00:00:00Z');
    const summary = await detectOperationalAnomalies(w);
    const [row] = await w.all<{ n: bigint; first: Date; last: Date }>(
      'SELECT count(*) AS n, min(day) AS first, max(day) AS last FROM anomalies',
    );
    expect(Number(row!.n)).toBe(summary.points);
    expect(row!.last.toISOString().slice(0, 10)).toBe('2024-01-09');
    // the default window: 730 days up to the last plausible day (not back to 2020, not on to the sale dated ahead)
    expect(row!.first.toISOString().slice(0, 10)).toBe('2022-01-10');
  });
});
