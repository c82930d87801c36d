import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { FORECAST_JOBS } from '../../src/ml/jobs.ts';
import type { ModelCard } from '../../src/ml/registry/registry.ts';
import { demoForecastEvents } from '../../src/ml/warehouse/demo-events.ts';
import { ingest, toJsonl, useTempDir } from '../helpers/retailos.ts';

const ORIGIN = '2025-05-20';

/**
 * The demo retailer (140 days) where SKU-001 at ST-01 suddenly sells 3× its usual in the last 7 days, with
 * no price change or promotion (nothing the plan could know). Every node received plenty of stock except
 * SKU-001 at ST-01, which received 5 more than it sold (available 5 at the end), with 4 units on a PO due
 * in 3 days and 100 due in 41 (after the 14-day cover window).
 */
function stockedEvents(): Record<string, unknown>[] {
  const events = demoForecastEvents({
    skus: 4,
    stores: 2,
    days: 140,
    start: '2025-01-01',
    seed: 7,
    promotion: [126, 150],
  });
  const surgeFrom = Date.parse('2025-05-14T00:00:00Z');
  let sold = 0;
  for (const event of events) {
    if (event.type !== 'pos_sale' || event.sku !== 'SKU-001' || event.node_id !== 'ST-01') continue;
    if (Date.parse(event.occurred_at as string) >= surgeFrom) event.qty = (event.qty as number) * 3;
    sold += event.qty as number;
  }
  const receipts: Record<string, unknown>[] = [];
  for (const sku of ['SKU-000', 'SKU-001', 'SKU-002', 'SKU-003']) {
    for (const node of ['ST-00', 'ST-01', 'DC-1']) {
      const qty = sku === 'SKU-001' && node === 'ST-01' ? sold + 5 : 5000;
      receipts.push({
        event_id: `rc-${sku}-${node}`,
        type: 'receipt',
        occurred_at: '2025-01-01T00:30:00.000Z',
        node_id: node,
        sku,
        qty,
        unit_cost: 5,
      });
    }
  }
  const po = (id: string, qty: number, expected: string) => ({
    event_id: `po-${id}`,
    type: 'po_created',
    occurred_at: '2025-05-19T10:00:00.000Z',
    po_id: id,
    supplier_id: 'SUP-1',
    node_id: 'ST-01',
    expected_at: expected,
    lines: [{ line_id: '1', sku: 'SKU-001', qty, unit_cost: 5 }],
  });
  return [
    ...events,
    ...receipts,
    po('PO-SOON', 4, '2025-05-23T12:00:00.000Z'),
    po('PO-LATE', 100, '2025-06-30T12:00:00.000Z'),
  ];
}

describe('demand sensing against the ledger, through the scheduled jobs', () => {
  const tmp = useTempDir();

  it('flags the sku selling above plan, measures the shortfall against available + inbound, and keeps the episode open across runs', async () => {
    const warehouse = await tmp.open('warehouse.duckdb');
    const landed = await ingest(warehouse, [tmp.write('events.jsonl', toJsonl(stockedEvents()))]);
    expect(landed.rejected).toBe(0);
    // the business clock at the forecast origin, so ATP's "today" is the origin's day
    await warehouse.run("UPDATE ledger_settings SET value = $clock WHERE key = 'clock'", {
      clock: `${ORIGIN}T23:00:00Z`,
    });
    await refreshLedger(warehouse);
    const position = await warehouse.one<{ available: number }>(
      "SELECT available::DOUBLE AS available FROM inventory_positions WHERE sku = 'SKU-001' AND node_id = 'ST-01'",
    );
    expect(position?.available).toBe(5);

    const modelsDir = tmp.join('models');
    const [trainJob, predictJob] = FORECAST_JOBS;
    expect(trainJob).toMatchObject({ id: 'forecast-train', schedule: '0 3 * * 0', preventOverlap: true });
    expect(predictJob).toMatchObject({
      id: 'forecast-predict',
      schedule: '30 3 * * *',
      preventOverlap: true,
    });
    await trainJob!.run({ warehouse, modelsDir });
    const card = JSON.parse(fs.readFileSync(path.join(modelsDir, 'demand-v1.json'), 'utf8')) as ModelCard;
    expect(card.status).toBe('active');

    // scoring writes, so it goes through the writer it is given
    let exclusiveRuns = 0;
    const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
      exclusiveRuns++;
      return work();
    };
    await predictJob!.run({ warehouse, modelsDir, exclusive });
    expect(exclusiveRuns).toBe(1);

    const flagged = await warehouse.all<Record<string, number | string | null>>(
      "SELECT * FROM demand_sensing WHERE sku = 'SKU-001' AND node_id = 'ST-01'",
    );
    expect(flagged).toHaveLength(1);
    const signal = flagged[0]!;
    expect(signal.driver).toBe('other');
    expect(Number(signal.uplift_pct)).toBeGreaterThan(1);
    expect(signal.model_version).toBe('demand-v1');
    expect(signal.excess_units).toBeCloseTo(Number(signal.actual_units) - Number(signal.planned_units), 9);
    expect(signal.available_units).toBe(5);
    // PO-SOON (due in 3 days) counts, PO-LATE (after the 14-day window) does not
    expect(signal.inbound_units).toBe(4);
    expect(signal.cover_units).toBe(9);
    expect(signal.cover_days).toBe(14);
    expect(Number(signal.next_demand)).toBeGreaterThan(9);
    expect(signal.shortfall_units).toBeCloseTo(Number(signal.next_demand) - 9, 9);
    // its selling price
    expect(signal.unit_price).toBe(11);
    expect(signal.revenue_at_risk).toBeCloseTo(Number(signal.shortfall_units) * 11, 9);
    expect(signal.severity).toBe('high');
    // well-stocked series are never short
    const others = await warehouse.all<{ shortfall_units: number }>(
      "SELECT shortfall_units FROM demand_sensing WHERE node_id IS NOT NULL AND NOT (sku = 'SKU-001' AND node_id = 'ST-01')",
    );
    for (const row of others) expect(row.shortfall_units).toBe(0);

    const exceptions = await warehouse.all<Record<string, unknown>>(
      "SELECT * FROM demand_sensing_exceptions WHERE sku = 'SKU-001' AND node_id = 'ST-01'",
    );
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]).toMatchObject({
      exception_type: 'demand_above_plan',
      severity: signal.severity,
      qty: signal.excess_units,
      value: signal.revenue_at_risk,
    });
    const opened = String(signal.opened_at);

    // the next run still sees the series above plan: same episode, same opened_at
    await predictJob!.run({ warehouse, modelsDir, exclusive });
    const again = await warehouse.all<Record<string, unknown>>(
      "SELECT run_id, opened_at FROM demand_sensing WHERE sku = 'SKU-001' AND node_id = 'ST-01'",
    );
    expect(again).toHaveLength(1);
    expect(Number(again[0]!.run_id)).toBe(2);
    expect(String(again[0]!.opened_at)).toBe(opened);
    expect(new Date(opened).toISOString()).toBe('2025-05-14T00:00:00.000Z');
  });
});
