/**
 * The anomaly detector's daily series (sql/anomaly/daily_series.sql) end at the business clock (issue 16): only
 * days that have ended by the clock are scored — the clock's own day holds part of its actuals — whether the
 * clock is pinned inside the data (mid-day or at midnight) or is the watermark while events of types that do
 * not move it (master data, prices) are dated ahead.
 */
import { describe, expect, it } from 'vitest';
import { detectOperationalAnomalies, loadDailySeries } from '../../src/anomaly/operational.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, EventFactory, land, pinClock, rows } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

/** Sales of 10 units a day at DC on days 2..20 of January 2024; master data dated ahead, on day 40. */
async function retailer(warehouse: Warehouse): Promise<void> {
  const f = new EventFactory('a');
  const sales = [];
  for (let day = 2; day <= 20; day++) {
    sales.push(f.make('pos_sale', at(day, 12), { node_id: 'DC', sku: 'A', qty: 10, unit_price: 5 }));
  }
  await land(warehouse, [
    f.item('A', 2, 5),
    f.node('DC'),
    f.make('receipt', at(1, 8), { node_id: 'DC', sku: 'A', qty: 1000, unit_cost: 2 }),
    ...sales,
    // sent dated ahead: master data and prices never move the clock's watermark
    f.make('price_changed', at(40), { sku: 'A', price: 4, reason: 'markdown' }),
    f.item('B', 2, 5, at(40)),
  ]);
  await refreshLedger(warehouse);
}

async function lastDay(warehouse: Warehouse): Promise<string> {
  const days = (await loadDailySeries(warehouse)).map((point) => point.day);
  expect(days.length).toBeGreaterThan(0);
  return days.sort().at(-1)!;
}

describe('anomaly daily series and the business clock', () => {
  it('score no day after the clock: pinned mid-day, pinned at midnight, and the watermark with events dated ahead', async () => {
    const warehouse = await tmp.open();
    await retailer(warehouse);

    // the watermark (the data is old) at the last sale, 20 January at noon: the 20th is under way, the 19th is
    // the last whole day (not the day of the price sent ahead)
    const clock = await rows(warehouse, 'SELECT mode, clock_at FROM business_clock');
    expect(clock).toEqual([{ mode: 'watermark', clock_at: '2024-01-20T12:00:00.000Z' }]);
    expect(await lastDay(warehouse)).toBe('2024-01-19');

    // pinned mid-day: the day before is the last whole day; at midnight too
    await pinClock(warehouse, '2024-01-12T09:30:00Z');
    expect(await lastDay(warehouse)).toBe('2024-01-11');
    await pinClock(warehouse, '2024-01-12T00:00:00Z');
    expect(await lastDay(warehouse)).toBe('2024-01-11');

    // and nothing after it is written as scored
    await detectOperationalAnomalies(warehouse, { now: new Date('2024-01-12T00:00:00Z') });
    expect(
      await rows(warehouse, 'SELECT max(day)::VARCHAR AS last, count(*) > 0 AS any FROM anomalies'),
    ).toEqual([{ last: '2024-01-11', any: true }]);
    // the series up to the clock are whole: every day from the first event, the sales of each
    const sales = (await loadDailySeries(warehouse)).filter(
      (point) => point.metric === 'sales_units' && point.scope_kind === 'all',
    );
    expect(sales.map((point) => [point.day, point.value])).toEqual([
      ['2024-01-01', 0],
      ...Array.from({ length: 10 }, (_, i) => [`2024-01-${String(i + 2).padStart(2, '0')}`, 10]),
    ]);

    // a clock before every event: nothing to score
    await pinClock(warehouse, '2023-12-01T00:00:00Z');
    expect(await loadDailySeries(warehouse)).toEqual([]);
  });
});
