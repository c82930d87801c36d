import { describe, expect, it } from 'vitest';
import { ensureReadModels, queryModel } from '../../src/replenishment/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, type EventBody, EventFactory, land, plain, rows } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

const day = (n: number): string => at(n).slice(0, 10);

/** Hand-made PO histories of two suppliers (expectations computed by hand in the comments). */
function histories(f: EventFactory): EventBody[] {
  const po = (
    po_id: string,
    supplier_id: string,
    node_id: string,
    created: number,
    expected: number,
    lines: [string, number][],
  ) =>
    f.make('po_created', at(created), {
      po_id,
      supplier_id,
      node_id,
      expected_at: day(expected),
      lines: lines.map(([sku, qty], i) => ({ line_id: String(i + 1), sku, qty, unit_cost: 2 })),
    });
  const receipt = (po_id: string, node_id: string, sku: string, qty: number, when: number) =>
    f.make('receipt', at(when), { po_id, node_id, sku, qty, unit_cost: 2 });
  return [
    f.make('supplier_upserted', at(1), { supplier_id: 'S1', name: 'Acme', lead_time_days: 10 }),
    f.make('supplier_upserted', at(1), { supplier_id: 'S2', name: 'Brisk', lead_time_days: 5 }),
    // S1 @ DC: P1 lead 10, on time, full
    po('P1', 'S1', 'DC', 1, 11, [['A', 100]]),
    receipt('P1', 'DC', 'A', 100, 11),
    // P2: promised day 12, ETA moved to day 16 (slip 4), arrives day 16 (late), 80 of 100 (B short by 20)
    po('P2', 'S1', 'DC', 2, 12, [
      ['A', 60],
      ['B', 40],
    ]),
    f.make('po_updated', at(8), { po_id: 'P2', expected_at: day(16) }),
    receipt('P2', 'DC', 'A', 60, 16),
    receipt('P2', 'DC', 'B', 20, 16),
    // P3: lead 9, early, full (an over-receipt counts only up to the ordered quantity)
    po('P3', 'S1', 'DC', 3, 13, [['A', 50]]),
    receipt('P3', 'DC', 'A', 55, 12),
    // S1 @ ST: P4 open (not settled), P5 cancelled with nothing received (fill 0)
    po('P4', 'S1', 'ST', 4, 14, [['A', 10]]),
    po('P5', 'S1', 'ST', 5, 15, [['A', 30]]),
    f.make('po_cancelled', at(6), { po_id: 'P5' }),
    // S2: Q1 lead 5 in January, Q2 lead 8 in May (recent): trend +3 days
    po('Q1', 'S2', 'DC', 1, 6, [['C', 10]]),
    receipt('Q1', 'DC', 'C', 10, 6),
    po('Q2', 'S2', 'DC', 150, 155, [['C', 10]]),
    receipt('Q2', 'DC', 'C', 10, 158),
  ];
}

async function given(): Promise<Warehouse> {
  const w = await tmp.open();
  await land(w, histories(new EventFactory()));
  return w;
}

const close = (value: unknown) => expect.closeTo(value as number, 9);

describe('supplier_performance', () => {
  it('per PO: lead time, on time, slip and fill from the events', async () => {
    const w = await given();
    const found = (await queryModel(w, 'supplier_po_history', '', undefined, 'po_id')).map((row) => {
      const r = plain(row) as Record<string, unknown>;
      return [r.po_id, r.lead_time_days, r.on_time, r.slip_days, r.eta_updates, r.settled, r.fill_rate];
    });
    expect(found).toEqual([
      ['P1', 10, true, 0, 0, true, 1],
      ['P2', 14, false, 4, 1, true, 0.8],
      ['P3', 9, true, 0, 0, true, 1],
      ['P4', null, null, 0, 0, false, null],
      ['P5', null, null, 0, 0, true, 0],
      ['Q1', 5, true, 0, 0, true, 1],
      ['Q2', 8, false, 0, 0, true, 1],
    ]);
  });

  it('per supplier and supplier × node: distribution, on-time, fill, slippage, trend', async () => {
    const w = await given();
    const found = (
      await queryModel(w, 'supplier_performance', '', undefined, 'supplier_id, node_id NULLS FIRST')
    ).map((row) => plain(row) as Record<string, unknown>);
    expect(found.map((r) => [r.scope, r.supplier_id, r.node_id])).toEqual([
      ['supplier', 'S1', null],
      ['supplier_node', 'S1', 'DC'],
      ['supplier_node', 'S1', 'ST'],
      ['supplier', 'S2', null],
      ['supplier_node', 'S2', 'DC'],
    ]);
    const [s1, s1dc, s1st, s2] = found;
    // S1: leads 10, 14, 9 → mean 11, sample std √7, p50 10, p90 9..10..14 at 1.8 → 13.2, p95 13.6
    expect(s1).toMatchObject({
      supplier_name: 'Acme',
      nominal_lead_time_days: 10,
      pos: 5,
      pos_received: 3,
      pos_open: 1,
      lead_time_mean: close(11),
      lead_time_std: close(Math.sqrt(7)),
      lead_time_p50: close(10),
      lead_time_p90: close(13.2),
      lead_time_p95: close(13.6),
      lead_time_min: 9,
      lead_time_max: 14,
      on_time_rate: close(2 / 3),
      // settled P1 P2 P3 P5: (100 + 80 + 50 + 0) / (100 + 100 + 50 + 30)
      fill_rate: close(230 / 280),
      slipped_rate: close(1 / 5),
      slip_days_mean: close(4 / 5),
      slip_days_max: 4,
      lead_time_trend_days: null, // every PO is recent: nothing to compare against
    });
    expect(s1dc).toMatchObject({
      pos: 3,
      lead_time_mean: close(11),
      fill_rate: close(230 / 250),
      slipped_rate: close(1 / 3),
    });
    expect(s1st).toMatchObject({ pos: 2, pos_received: 0, pos_open: 1, lead_time_mean: null, fill_rate: 0 });
    expect(s2).toMatchObject({
      lead_time_mean: close(6.5),
      on_time_rate: close(0.5),
      lead_time_recent_mean: close(8),
      lead_time_trend_days: close(3),
    });
  });

  it('monthly trend, and the views analysts query by name', async () => {
    const w = await given();
    await ensureReadModels(w);
    expect(
      await rows(
        w,
        "SELECT supplier_id, month::VARCHAR AS month, pos, lead_time_mean FROM supplier_performance_monthly WHERE supplier_id = 'S2' ORDER BY month",
      ),
    ).toEqual([
      { supplier_id: 'S2', month: '2024-01-01', pos: 1, lead_time_mean: 5 },
      { supplier_id: 'S2', month: '2024-05-01', pos: 1, lead_time_mean: 8 },
    ]);
    expect(await rows(w, 'SELECT count(*) AS n FROM supplier_performance')).toEqual([{ n: 5 }]);
  });
});
