/**
 * Each scenario preset leaves its signature in the events (and says in the manifest what it affected).
 * Small scale, 8 weeks: the scenario window starts on day 28 (2024-04-01).
 */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../../src/contracts/index.ts';
import { BEHAVIOUR } from '../../../src/sim/params.ts';
import {
  RETURNS_WAVE_SHIPPED_FROM_DAYS_BEFORE_START,
  type ScenarioRecord,
} from '../../../src/sim/scenarios.ts';
import { addDays, dateOf, daysBetween, distinctEvents, ofType, readLines, run } from './support.ts';

async function scenarioRun(name: ScenarioRecord['name']) {
  const result = await run({ seed: 5, scenarios: [name] });
  const events = distinctEvents(readLines(result.outDir));
  const record = result.manifest.scenarios.find((scenario) => scenario.name === name)!;
  expect(record).toBeDefined();
  expect(record.startDate).toBe('2024-04-01');
  return { events, record, manifest: result.manifest };
}

const perDay = (total: number, days: number) => total / Math.max(1, days);

describe('scenario promo-spike', () => {
  it('promotes SKUs whose demand outruns stock: units far above their baseline, shelves run empty', async () => {
    const { events, record } = await scenarioRun('promo-spike');
    const skus = new Set(record.skus as string[]);
    expect(skus.size).toBeGreaterThanOrEqual(3);
    const starts = ofType(events, 'price_changed').filter(
      (event) => skus.has(event.sku) && event.reason === 'promotion' && dateOf(event) === record.startDate,
    );
    expect(starts).toHaveLength(skus.size);
    expect(starts.every((event) => event.ends_at === record.endDate)).toBe(true);
    let during = 0;
    let before = 0;
    for (const sale of ofType(events, 'pos_sale')) {
      if (!skus.has(sale.sku)) continue;
      const date = dateOf(sale);
      if (date >= record.startDate && date < record.endDate) during += sale.qty;
      else if (date >= addDays(record.startDate, -28) && date < record.startDate) before += sale.qty;
    }
    const lift = perDay(during, record.endDay - record.startDay) / perDay(before, 28);
    expect(lift).toBeGreaterThan(1.5);
    // the planners did not see it coming: the promoted shelves empty out, the rest do not
    const empty = record.emptyShelvesAtEnd as { promoted: number; others: number };
    expect(empty.promoted).toBeGreaterThan(0.2);
    expect(empty.promoted).toBeGreaterThan(5 * empty.others);
  });
});

describe('scenario supplier-delay', () => {
  it("slips the supplier's POs: ETA updates to later dates, receipts after the original promise", async () => {
    const { events, record } = await scenarioRun('supplier-delay');
    const delayed = record.delayedPos as { po_id: string; expected_at: string; new_expected_at: string }[];
    const created = record.newPos as string[];
    expect(delayed.length + created.length).toBeGreaterThan(0);
    const updates = new Map<string, string[]>();
    for (const update of ofType(events, 'po_updated')) {
      updates.set(update.po_id, [...(updates.get(update.po_id) ?? []), update.expected_at]);
    }
    for (const po of delayed) {
      expect(po.new_expected_at > po.expected_at).toBe(true);
      expect(updates.get(po.po_id)).toContain(po.new_expected_at);
    }
    const promised = new Map(ofType(events, 'po_created').map((po) => [po.po_id, po.expected_at]));
    const firstReceipt = new Map<string, string>();
    for (const receipt of ofType(events, 'receipt')) {
      if (receipt.po_id && !firstReceipt.has(receipt.po_id)) firstReceipt.set(receipt.po_id, dateOf(receipt));
    }
    // every affected PO that arrived came after its original promise; new POs at least 10 days late
    let arrived = 0;
    for (const po of delayed) {
      const at = firstReceipt.get(po.po_id);
      if (at === undefined) continue;
      arrived++;
      expect(at > po.expected_at).toBe(true);
    }
    for (const id of created) {
      const at = firstReceipt.get(id);
      expect(updates.has(id)).toBe(true);
      if (at === undefined) continue;
      arrived++;
      expect(at >= addDays(promised.get(id)!, 10)).toBe(true);
    }
    expect(arrived).toBeGreaterThan(0);
    // all affected POs are the supplier's
    const supplierOf = new Map(ofType(events, 'po_created').map((po) => [po.po_id, po.supplier_id]));
    for (const id of [...delayed.map((po) => po.po_id), ...created])
      expect(supplierOf.get(id)).toBe(record.supplierId);
  });
});

describe('scenario returns-wave', () => {
  it('makes the category come back in a wave (vs the same run without it), mostly as defective', async () => {
    const { events, record } = await scenarioRun('returns-wave');
    const baseline = distinctEvents(readLines((await run({ seed: 5 })).outDir));
    const code = { apparel: 'APP', electronics: 'ELE', home: 'HOM', health: 'HEA' }[
      record.category as string
    ]!;
    const inWindow = (list: readonly Event[]) =>
      ofType(list, 'return_received').filter(
        (event) =>
          event.sku.slice(4, 7) === code &&
          dateOf(event) >= record.startDate &&
          dateOf(event) < record.endDate,
      );
    const wave = inWindow(events);
    expect(wave.length / inWindow(baseline).length).toBeGreaterThan(2);
    const defective = wave.filter((event) => event.reason === 'defective').length;
    expect(defective / wave.length).toBeGreaterThan(0.5);
    // other categories are not affected
    const others = (list: readonly Event[]) =>
      ofType(list, 'return_received').filter((event) => event.sku.slice(4, 7) !== code).length;
    expect(others(events) / others(baseline)).toBeGreaterThan(0.8);
    expect(others(events) / others(baseline)).toBeLessThan(1.25);
    expect(record.multiplier).toBe(4);
  });
});

describe('scenario returns-wave: the manifest records what the generator did', () => {
  it('boosts online returns of lines shipped from shippedFrom, not before; returns arrive after the shortest delay', async () => {
    const { events, record } = await scenarioRun('returns-wave');
    expect(record.shippedFrom).toBe(addDays(record.startDate, -RETURNS_WAVE_SHIPPED_FROM_DAYS_BEFORE_START));
    expect(record.returnDelayDays).toEqual([...BEHAVIOUR.returnDelayDays]);
    const code = { apparel: 'APP', electronics: 'ELE', home: 'HOM', health: 'HEA' }[
      record.category as string
    ]!;
    // the category's online lines: first ship day and units shipped; units returned per line
    const shipped = new Map<string, { day: string; units: number }>();
    for (const event of ofType(events, 'shipped')) {
      if (event.sku.slice(4, 7) !== code) continue;
      const key = `${event.order_id}/${event.line_id}`;
      const line = shipped.get(key);
      if (line) line.units += event.qty;
      else shipped.set(key, { day: dateOf(event), units: event.qty });
    }
    const returned = new Map<string, number>();
    const [minDelay] = BEHAVIOUR.returnDelayDays;
    for (const event of ofType(events, 'return_received')) {
      if (event.order_id === undefined || event.sku.slice(4, 7) !== code) continue;
      const key = `${event.order_id}/${event.line_id}`;
      returned.set(key, (returned.get(key) ?? 0) + event.qty);
      // never sooner than the shortest delay after shipping (delivery is never before shipping)
      expect(daysBetween(shipped.get(key)!.day, dateOf(event))).toBeGreaterThanOrEqual(minDelay);
    }
    const rate = (from: string, to: string) => {
      let units = 0;
      let back = 0;
      for (const [key, line] of shipped) {
        if (line.day < from || line.day >= to) continue;
        units += line.units;
        back += returned.get(key) ?? 0;
      }
      return back / units;
    };
    const shippedFrom = record.shippedFrom as string;
    const before = rate(addDays(shippedFrom, -6), shippedFrom);
    const after = rate(shippedFrom, addDays(shippedFrom, 6));
    // the multiplier is 4: the first boosted week returns far more than the week before it
    expect(after / before).toBeGreaterThan(2);
  });
});

describe('scenario dc-labour-shortage', () => {
  it('cuts the DC ship capacity (announced) and piles up allocated-not-shipped orders', async () => {
    const { events, record, manifest } = await scenarioRun('dc-labour-shortage');
    const dcUpdates = ofType(events, 'node_upserted').filter(
      (event) => event.node_id === record.nodeId && dateOf(event) !== manifest.options.start,
    );
    expect(dcUpdates.map((event) => [dateOf(event), event.ship_capacity_per_day])).toEqual([
      [record.startDate, record.reducedCapacity],
      [record.endDate, record.normalCapacity],
    ]);
    // units shipped by the DC per day never exceed the reduced capacity in the window
    const shipped = new Map<string, number>();
    for (const event of ofType(events, 'shipped')) {
      if (event.node_id === record.nodeId)
        shipped.set(dateOf(event), (shipped.get(dateOf(event)) ?? 0) + event.qty);
    }
    for (let day = record.startDate; day < record.endDate; day = addDays(day, 1)) {
      expect(shipped.get(day) ?? 0).toBeLessThanOrEqual(record.reducedCapacity as number);
    }
    // the backlog, recomputed from the events: allocated at the DC and not shipped, released or cancelled
    const backlogAt = (date: string) => dcBacklog(events, record.nodeId as string, date);
    const before = backlogAt(addDays(record.startDate, -1));
    const worst = Math.max(
      ...Array.from({ length: record.endDay - record.startDay }, (_, i) =>
        backlogAt(addDays(record.startDate, i)),
      ),
    );
    expect(worst).toBeGreaterThan(2 * before);
    // the manifest's end-of-day backlog agrees on the direction
    const backlog = manifest.stats.dcBacklogByDay;
    expect(Math.max(...backlog.slice(record.startDay, record.endDay))).toBeGreaterThan(
      2 * backlog[record.startDay - 1]!,
    );
  });
});

/** Units allocated at a node up to the end of `date` and not shipped, released or cancelled by then. */
function dcBacklog(events: readonly Event[], node: string, date: string): number {
  const open = new Map<string, number>();
  const cancelled = new Set<string>();
  const cancelledLines = new Set<string>();
  for (const event of events) {
    if (dateOf(event) > date) continue;
    if (event.type === 'order_cancelled') {
      if (event.line_id === undefined) cancelled.add(event.order_id);
      else cancelledLines.add(`${event.order_id}/${event.line_id}`);
    }
    if (!('node_id' in event) || event.node_id !== node) continue;
    if (event.type === 'allocated') open.set(`${event.order_id}/${event.line_id}`, event.qty);
    if (event.type === 'shipped' || event.type === 'allocation_released')
      open.delete(`${event.order_id}/${event.line_id}`);
  }
  let units = 0;
  for (const [key, qty] of open) {
    if (cancelled.has(key.split('/')[0]!) || cancelledLines.has(key)) continue;
    units += qty;
  }
  return units;
}
