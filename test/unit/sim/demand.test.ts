/**
 * Does the simulated demand look like retail? Statistical checks with tolerances on a small run (4 stores,
 * 160 SKUs, 8 weeks) and a short run over Christmas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/contracts/index.ts';
import { CALIBRATION } from '../../../src/sim/params.ts';
import { addDays, dateOf, distinctEvents, type Manifest, ofType, readLines, run } from './support.ts';

/** Units sold in stores per date, and per (sku, date). */
function storeUnits(events: readonly Event[]) {
  const byDate = new Map<string, number>();
  const bySkuDate = new Map<string, number>();
  const bySku = new Map<string, number>();
  for (const sale of ofType(events, 'pos_sale')) {
    const date = dateOf(sale);
    byDate.set(date, (byDate.get(date) ?? 0) + sale.qty);
    bySkuDate.set(`${sale.sku}/${date}`, (bySkuDate.get(`${sale.sku}/${date}`) ?? 0) + sale.qty);
    bySku.set(sale.sku, (bySku.get(sale.sku) ?? 0) + sale.qty);
  }
  return { byDate, bySkuDate, bySku };
}

function weekday(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
}

describe('simulated demand (small scale, 8 weeks)', () => {
  let events: Event[];
  let manifest: Manifest;

  beforeAll(async () => {
    const result = await run({ seed: 11 });
    manifest = result.manifest;
    events = distinctEvents(readLines(result.outDir));
  });

  it('has the calibrated weekly pattern: weekends above weekdays by the Favorita ratio', () => {
    const { byDate } = storeUnits(events);
    const sums = Array.from({ length: 7 }, () => ({ units: 0, days: 0 }));
    for (const [date, units] of byDate) {
      sums[weekday(date)]!.units += units;
      sums[weekday(date)]!.days++;
    }
    const mean = sums.map(({ units, days }) => units / days);
    const weekdays = (mean[0]! + mean[1]! + mean[2]! + mean[3]! + mean[4]!) / 5;
    const ratio = (mean[5]! + mean[6]!) / 2 / weekdays;
    const dow = CALIBRATION.dayOfWeek;
    const expected = (dow[5] + dow[6]) / 2 / ((dow[0] + dow[1] + dow[2] + dow[3] + dow[4]) / 5);
    expect(expected).toBeCloseTo(1.166, 2);
    expect(Math.abs(ratio - expected)).toBeLessThan(0.1);
    // the busiest day of the week is on the weekend
    expect([5, 6]).toContain(mean.indexOf(Math.max(...mean)));
  });

  it('is intermittent: most store × SKU days sell nothing, in a plausible band', () => {
    const stocked = new Set<string>();
    for (const event of events) {
      if (event.type === 'transfer_received' && event.to_node_id.startsWith('ST-')) {
        stocked.add(`${event.to_node_id}/${event.sku}`);
      }
      if (event.type === 'receipt' && event.node_id.startsWith('ST-'))
        stocked.add(`${event.node_id}/${event.sku}`);
    }
    const sales = ofType(events, 'pos_sale');
    for (const sale of sales) stocked.add(`${sale.node_id}/${sale.sku}`);
    const openDays = new Set(sales.map(dateOf)).size;
    const zeroShare = 1 - sales.length / (stocked.size * openDays);
    expect(stocked.size).toBe(manifest.retailer.series);
    expect(zeroShare).toBeGreaterThan(0.45);
    expect(zeroShare).toBeLessThan(0.9);
  });

  it('is skewed across SKUs (Pareto-like): the top 20% of SKUs sell at least half of the units', () => {
    const units = [...storeUnits(events).bySku.values()].sort((a, b) => b - a);
    const total = units.reduce((a, b) => a + b, 0);
    const top = units.slice(0, Math.ceil(units.length * 0.2)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThanOrEqual(0.5);
    // and a long tail: the bottom half sells under 20%
    const bottom = units.slice(Math.floor(units.length / 2)).reduce((a, b) => a + b, 0);
    expect(bottom / total).toBeLessThan(0.2);
  });

  it('responds to promotions: units per day on promotion exceed the 4 weeks before (lift > 1)', () => {
    const { bySkuDate, byDate } = storeUnits(events);
    const dates = new Set(byDate.keys());
    let promoUnits = 0;
    let promoDays = 0;
    let baseUnits = 0;
    let baseDays = 0;
    const promotions = ofType(events, 'price_changed').filter(
      (event) => event.reason === 'promotion' && event.channel_id === undefined,
    );
    expect(promotions.length).toBeGreaterThan(10);
    for (const promotion of promotions) {
      const start = dateOf(promotion);
      for (let day = start; day < promotion.ends_at!; day = addDays(day, 1)) {
        if (!dates.has(day)) continue;
        promoUnits += bySkuDate.get(`${promotion.sku}/${day}`) ?? 0;
        promoDays++;
      }
      for (let back = 1; back <= 28; back++) {
        const day = addDays(start, -back);
        if (!dates.has(day)) continue;
        baseUnits += bySkuDate.get(`${promotion.sku}/${day}`) ?? 0;
        baseDays++;
      }
    }
    const lift = promoUnits / promoDays / (baseUnits / baseDays);
    expect(lift).toBeGreaterThan(1.3);
    expect(lift).toBeLessThan(6);
  });

  it('sells from stock: some demand is lost to stockouts, most is served', () => {
    const { storeDemandUnits, storeSoldUnits, storeLostUnits } = manifest.stats;
    expect(storeSoldUnits + storeLostUnits).toBe(storeDemandUnits);
    const sold = ofType(events, 'pos_sale').reduce((sum, sale) => sum + sale.qty, 0);
    expect(sold).toBe(storeSoldUnits);
    expect(storeLostUnits).toBeGreaterThan(0);
    expect(storeSoldUnits / storeDemandUnits).toBeGreaterThan(0.85);
  });

  it('splits channels by category: electronics sells online far more than health', () => {
    const online = new Map<string, number>();
    const stores = new Map<string, number>();
    for (const order of ofType(events, 'order_placed')) {
      for (const line of order.lines)
        online.set(line.sku.slice(4, 7), (online.get(line.sku.slice(4, 7)) ?? 0) + line.qty);
    }
    for (const sale of ofType(events, 'pos_sale')) {
      stores.set(sale.sku.slice(4, 7), (stores.get(sale.sku.slice(4, 7)) ?? 0) + sale.qty);
    }
    const share = (code: string) =>
      (online.get(code) ?? 0) / ((online.get(code) ?? 0) + (stores.get(code) ?? 0));
    expect(share('ELE')).toBeGreaterThan(2 * share('HEA'));
    expect(share('APP')).toBeGreaterThan(share('HEA'));
    expect(share('ELE')).toBeLessThan(0.6);
  });
});

describe('simulated demand over Christmas', () => {
  it('peaks before Christmas, closes the stores on the 25th, and keeps the web shop open', async () => {
    const result = await run({ start: '2024-11-18', days: 42, seed: 3 });
    const events = distinctEvents(readLines(result.outDir));
    const { byDate } = storeUnits(events);
    const early = ['2024-12-02', '2024-12-03', '2024-12-04', '2024-12-05'].map((d) => byDate.get(d) ?? 0);
    const late = ['2024-12-20', '2024-12-21', '2024-12-22', '2024-12-23'].map((d) => byDate.get(d) ?? 0);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(late) / mean(early)).toBeGreaterThan(1.3);
    expect(byDate.get('2024-12-25') ?? 0).toBe(0);
    expect(
      ofType(events, 'order_placed').filter((order) => dateOf(order) === '2024-12-25').length,
    ).toBeGreaterThan(0);
    // Black Friday (29 November 2024) outsells the Friday before
    expect(byDate.get('2024-11-29')!).toBeGreaterThan(1.5 * byDate.get('2024-11-22')!);
  });
});
