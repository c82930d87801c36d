import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { seasonalRatio } from '../../src/replenishment/policy/baseline.ts';
import { xyzClass } from '../../src/replenishment/policy/classify.ts';
import { parsePolicyConfig, serviceLevel } from '../../src/replenishment/policy/config.ts';
import { stdOverPeriod } from '../../src/replenishment/policy/demand.ts';
import { computeLevels } from '../../src/replenishment/policy/levels.ts';
import { std } from '../../src/replenishment/policy/stats.ts';
import { planReplenishment } from '../../src/replenishment/service.ts';
import { listRecommendations } from '../../src/replenishment/store.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, type EventBody, EventFactory, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();
const repeat = (value: number, days: number): number[] => Array.from({ length: days }, () => value);

/**
 * 56 days ending on 12 January 2024 (at(-43) = 18 November … at(12) = 12 January): 13 November days at 10,
 * 1–14 December at 12, the run-up 15–24 December at 20, closed on the 25th, 26–31 December at 16, January
 * at 10 again (the unit fixture of test/unit/replenishment/replenishment-baseline.test.ts, now as events).
 */
const decemberPeak = [
  ...repeat(10, 13),
  ...repeat(12, 14),
  ...repeat(20, 10),
  0,
  ...repeat(16, 6),
  ...repeat(10, 12),
];
const firstDay = -43;

/**
 * Two DCs buying K from S1 (lead 10 d nominal, review 7 → P = 17), no forecast model: PEAK sold the
 * December peak above, STEADY 10 a day throughout. Sales at noon, so the plan runs as of 12 January 12:00
 * (the watermark) and the window (as_of − 56 d, as_of] holds exactly these 56 days.
 */
function seasonWorld(f: EventFactory, peakStock: number, steadyStock: number): EventBody[] {
  const events: EventBody[] = [
    f.make('supplier_upserted', at(firstDay - 5), { supplier_id: 'S1', name: 'Acme', lead_time_days: 10 }),
    f.item('K', 2, 5, at(firstDay - 5), { supplier_id: 'S1' }),
    f.node('PEAK', { node_type: 'dc', region: 'east', can_ship: true }, at(firstDay - 5)),
    f.node('STEADY', { node_type: 'dc', region: 'west', can_ship: true }, at(firstDay - 5)),
    f.make('receipt', at(firstDay - 1, 6), { node_id: 'PEAK', sku: 'K', qty: peakStock, unit_cost: 2 }),
    f.make('receipt', at(firstDay - 1, 6), { node_id: 'STEADY', sku: 'K', qty: steadyStock, unit_cost: 2 }),
  ];
  decemberPeak.forEach((qty, i) => {
    if (qty > 0)
      events.push(
        f.make('pos_sale', at(firstDay + i, 12), { node_id: 'PEAK', sku: 'K', qty, unit_price: 5 }),
      );
    events.push(
      f.make('pos_sale', at(firstDay + i, 12), { node_id: 'STEADY', sku: 'K', qty: 10, unit_price: 5 }),
    );
  });
  return events;
}

describe('the no-forecast fallback respects seasonality (pooled seasonal baseline)', () => {
  it('after a December peak, January is planned near January and the PO is smaller than with the flat mean', async () => {
    const w = await tmp.open();
    const peakStock = 714 + 40; // 40 left on 12 January
    await land(w, seasonWorld(new EventFactory(), peakStock, 560 + 30));
    await refreshLedger(w);
    const summary = await planReplenishment(w, { config: { baselineDays: 56, approvalRequests: 'none' } });
    expect(summary.demandSource).toBe('baseline');
    const recs = await listRecommendations(w);
    expect(recs.map((r) => [r.kind, r.supplier_id, r.node_id])).toEqual([
      ['purchase_order', 'S1', 'PEAK'],
      ['purchase_order', 'S1', 'STEADY'],
    ]);
    const [peak, steady] = recs.map((r) => r.lines[0]!);

    // PEAK: the flat mean would plan 714 / 56 = 12.75 a day (the peak's 17.4 averaged in); the plan
    // takes January's ~10: the window mean × the node's seasonal change over P = 17 days
    const flat = 714 / 56;
    expect(peak!.demand_source).toBe('baseline');
    expect(peak!.lead_time_days).toBe(10);
    const ratio = seasonalRatio(decemberPeak, 17);
    expect(ratio).toBeLessThan(0.85);
    expect(peak!.daily_demand).toBeCloseTo(flat * ratio, 9);
    expect(Math.abs(peak!.daily_demand - 10)).toBeLessThan(1.5);
    expect(peak!.daily_demand).toBeLessThan(flat - 1.5);
    // the spread stays the series' own over the window
    expect(peak!.daily_std).toBeCloseTo(std(decemberPeak), 9);
    expect(peak!.why).toContain(
      `demand from the last 56 days' mean × ${ratio.toFixed(2)}, PEAK's seasonal change`,
    );

    // the PO: up to S from the position of 40; with the flat mean it would be S_flat − 40
    const config = parsePolicyConfig({});
    const levelsAt = (daily: number) =>
      computeLevels({
        dailyDemand: daily,
        demandStdOverPeriod: stdOverPeriod(std(decemberPeak), 17),
        leadTimeDays: 10,
        leadTimeStdDays: 2, // nominal × cv 0.2
        reviewPeriodDays: 7,
        serviceLevel: serviceLevel(config, peak!.abc, xyzClass(daily, std(decemberPeak), config)),
        orderCycleDays: 0,
      });
    expect(peak!.inventory_position).toBe(40);
    expect(peak!.levels.orderUpTo).toBe(levelsAt(peak!.daily_demand).orderUpTo);
    expect(peak!.qty).toBe(levelsAt(peak!.daily_demand).orderUpTo - 40);
    const flatQty = levelsAt(flat).orderUpTo - 40;
    // ≈ 17 days × (12.75 − January's planned rate) fewer units: at least 17 × 1.5
    expect(flatQty - peak!.qty).toBeGreaterThanOrEqual(Math.floor(17 * (flat - peak!.daily_demand)));
    expect(flatQty - peak!.qty).toBeGreaterThan(25);

    // STEADY (same SKU, other node): its own total has no season, so it is planned at its mean exactly
    expect(steady!.daily_demand).toBeCloseTo(10, 9);
    expect(steady!.why).toContain("the last 56 days' mean × 1.00, STEADY's seasonal change");
  });
});
