import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_TABLES_DDL } from '../../../src/ml/features/inputs.ts';
import { readMlSql } from '../../../src/ml/features/sql.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

/**
 * sql/ml/demand_sensing.sql on given inputs (the plan, the window's sales, the next days' forecast, the
 * ledger's cover and the previous run's signals) against hand-computed rows.
 */
describe('demand sensing SQL', () => {
  let dir: string;
  let warehouse: Warehouse;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-sensing-'));
    warehouse = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
    await warehouse.run(INPUT_TABLES_DDL);
    await warehouse.run(readMlSql('ml_macros'));
    // A@N1 sells 6/day in the window (t 4..10, promotion on t 8..10); B@N1 close to plan; C@web double
    // the plan with plenty of cover; D@N2 30% above plan, no ledger position.
    await warehouse.run(`
      INSERT INTO ml_series VALUES
        (1, 'A|N1', 'A', 'N1', NULL, 'N1', 'c', 'r', 0, 0, 10),
        (2, 'B|N1', 'B', 'N1', NULL, 'N1', 'c', 'r', 0, 0, 10),
        (3, 'C|web', 'C', NULL, 'web', 'web', 'c', 'r', 1, 0, 4),
        (4, 'D|N2', 'D', 'N2', NULL, 'N2', 'c', 'r', 2, 0, 5)`);
    await warehouse.run(`
      INSERT INTO ml_demand
      SELECT 1, t, CASE WHEN t <= 3 THEN 1 ELSE 6 END, true, 10, t >= 8, false FROM range(1, 11) r(t)
      UNION ALL SELECT 2, t, CASE WHEN t = 10 THEN 4 ELSE 1 END, true, 10, false, false FROM range(1, 11) r(t)
      UNION ALL SELECT 3, t, CASE WHEN t = 10 THEN 2 ELSE 3 END, true, NULL, false, false FROM range(1, 11) r(t)
      UNION ALL SELECT 4, t, CASE WHEN t IN (9, 10) THEN 2.5 ELSE 1.6 END, true, 5, false, false
        FROM range(1, 11) r(t)`);
    await warehouse.run(`
      CREATE TEMP TABLE ml_history AS
      SELECT series_id, min(t) AS t0, count(qty) AS n_hist, list(qty ORDER BY t) AS ys,
        list(CASE WHEN series_id = 1 AND t = 10 THEN 8 ELSE price END ORDER BY t) AS ps
      FROM ml_demand GROUP BY series_id`);
    await warehouse.run(`
      CREATE TEMP TABLE ml_sensing_plan AS
      SELECT * FROM (VALUES (1, 14.0, 20.0), (2, 9.0, 12.0), (3, 10.0, 15.0), (4, 9.5, 12.0))
        v(series_id, planned_units, upper_units)`);
    await warehouse.run(`
      CREATE TEMP TABLE ml_next AS
      SELECT * FROM (VALUES (1, 10.0), (2, 9.0), (3, 5.0), (4, 7.0)) v(series_id, next_mean)`);
    await warehouse.run(`
      CREATE TEMP TABLE ml_cover AS
      SELECT * FROM (VALUES (1, 5.0, 4.0), (2, 100.0, 0.0), (3, 50.0, 0.0)) v(series_id, available_units, inbound_units)`);
    // run 1 flagged A@N1 (episode opened on Feb 1) and D@N2 long ago (window ended Jan 10: a new episode)
    await warehouse.run(`
      INSERT INTO forecast_runs (run_id, model_version, origin_date, horizon, series)
      VALUES (1, 'demand-v1', DATE '2025-02-09', 28, 4), (2, 'demand-v1', DATE '2025-02-10', 28, 4)`);
    await warehouse.run(`
      INSERT INTO demand_signals (run_id, series_kind, sku, node_id, channel_id, window_start, window_end,
        actual_units, planned_units, upper_units, uplift_pct, promo_days, driver, next_demand, severity, opened_at)
      VALUES
        (1, 'node', 'A', 'N1', NULL, DATE '2025-02-03', DATE '2025-02-09', 30, 14, 20, 1.1, 2, 'promotion', 20,
         'medium', TIMESTAMPTZ '2025-02-01 00:00:00+00'),
        (1, 'node', 'D', 'N2', NULL, DATE '2025-01-04', DATE '2025-01-10', 20, 10, 12, 1, 0, 'other', 10,
         'medium', TIMESTAMPTZ '2025-01-04 00:00:00+00')`);
  });

  afterAll(async () => {
    await warehouse?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('flags series above plan with the excess, the cover shortfall, revenue at risk, severity and episode start', async () => {
    const rows = await warehouse.all<Record<string, unknown>>(readMlSql('demand_sensing'), {
      run_id: 2,
      window_start: '2025-02-04',
      window_end: '2025-02-10',
      origin_t: 10,
      window_days: 7,
      cover_days: 14,
      min_uplift: 0.3,
      min_units: 3,
    });
    const pick = (row: Record<string, unknown>) => ({
      sku: row.sku,
      node_id: row.node_id,
      channel_id: row.channel_id,
      actual: row.actual_units,
      excess: row.excess_units,
      uplift: Number((row.uplift_pct as number).toFixed(6)),
      promo_days: row.promo_days,
      driver: row.driver,
      next: Number((row.next_demand as number).toFixed(6)),
      cover: row.cover_units,
      shortfall: row.shortfall_units === null ? null : Number((row.shortfall_units as number).toFixed(6)),
      price: row.unit_price,
      revenue: row.revenue_at_risk === null ? null : Number((row.revenue_at_risk as number).toFixed(6)),
      severity: row.severity,
      opened: new Date(row.opened_at as string).toISOString(),
    });
    expect(rows.map(pick)).toEqual([
      {
        // 42 sold against a plan of 14 (×3): the next 14 days' 10 become 30, cover 5 + 4 → short 21 at 8
        sku: 'A',
        node_id: 'N1',
        channel_id: null,
        actual: 42,
        excess: 28,
        uplift: 2,
        promo_days: 3,
        driver: 'promotion',
        next: 30,
        cover: 9,
        shortfall: 21,
        price: 8,
        revenue: 168,
        severity: 'high',
        opened: '2025-02-01T00:00:00.000Z',
      },
      {
        // 20 against 10: next 5 × 2 = 10, well covered by 50; no price at the origin → list price
        sku: 'C',
        node_id: null,
        channel_id: 'web',
        actual: 20,
        excess: 10,
        uplift: 1,
        promo_days: 0,
        driver: 'other',
        next: 10,
        cover: 50,
        shortfall: 0,
        price: 4,
        revenue: 0,
        severity: 'medium',
        opened: '2025-02-04T00:00:00.000Z',
      },
      {
        // 13 against 9.5 (+36.8%, 3.5 units): no ledger position → cover unknown; the old episode ended
        sku: 'D',
        node_id: 'N2',
        channel_id: null,
        actual: 13,
        excess: 3.5,
        uplift: Number((13 / 9.5 - 1).toFixed(6)),
        promo_days: 0,
        driver: 'other',
        next: Number(((7 * 13) / 9.5).toFixed(6)),
        cover: null,
        shortfall: null,
        price: 5,
        revenue: null,
        severity: 'low',
        opened: '2025-02-04T00:00:00.000Z',
      },
    ]);
  });
});
