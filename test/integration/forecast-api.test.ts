import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/roles.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { call, createFixture, type Fixture } from '../unit/api/server-fixture.ts';

/**
 * Two scoring runs (the second is the latest) with their forecasts and sensing signals, written as
 * `retailos forecast predict` writes them.
 */
async function forecastFixtures(warehouse: Warehouse): Promise<void> {
  await warehouse.run(`
    INSERT INTO forecast_runs (run_id, model_version, origin_date, horizon, series) VALUES
      (1, 'demand-v1', DATE '2025-03-01', 2, 2), (2, 'demand-v2', DATE '2025-03-02', 2, 2);
    INSERT INTO forecast_history VALUES
      (1, 'node', 'SKU-1', 'ST-1', NULL, DATE '2025-03-02', 1, 9, 5, 9, 13),
      (2, 'node', 'SKU-1', 'ST-1', NULL, DATE '2025-03-03', 1, 4, 2, 4, 6),
      (2, 'node', 'SKU-1', 'ST-1', NULL, DATE '2025-03-04', 2, 5, 2, 5, 8),
      (2, 'channel', 'SKU-1', NULL, 'web', DATE '2025-03-03', 1, 7, 3, 7, 11),
      (2, 'channel', 'SKU-1', NULL, 'web', DATE '2025-03-04', 2, 6.5, 3, 6, 10);
    INSERT INTO demand_signals (run_id, series_kind, sku, node_id, channel_id, window_start, window_end,
      actual_units, planned_units, upper_units, uplift_pct, promo_days, driver, next_demand, cover_units,
      shortfall_units, severity, excess_units, cover_days, available_units, inbound_units, unit_price,
      revenue_at_risk, opened_at) VALUES
      (1, 'node', 'SKU-1', 'ST-1', NULL, DATE '2025-02-23', DATE '2025-03-01', 30, 14, 20, 1.14, 3, 'promotion',
       40, 9, 31, 'high', 16, 14, 5, 4, 8, 248, TIMESTAMPTZ '2025-02-23 00:00:00+00'),
      (2, 'node', 'SKU-1', 'ST-1', NULL, DATE '2025-02-24', DATE '2025-03-02', 42, 14, 20, 2, 3, 'promotion',
       30, 9, 21, 'high', 28, 14, 5, 4, 8, 168, TIMESTAMPTZ '2025-02-23 00:00:00+00'),
      (2, 'channel', 'SKU-1', NULL, 'web', DATE '2025-02-24', DATE '2025-03-02', 20, 10, 15, 1, 0, 'other',
       10, 50, 0, 'medium', 10, 14, 50, 0, 4, 0, TIMESTAMPTZ '2025-02-24 00:00:00+00');`);
}

let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture({ prepare: forecastFixtures });
});
afterAll(async () => {
  await fx?.dispose();
});

const get = (route: string, role?: Role) =>
  call(fx.url, 'GET', route, { key: role ? fx.keys[role] : undefined });

describe('GET /api/v1/forecasts', () => {
  it('serves the latest run to planners, executives, analysts and admins; refuses other roles', async () => {
    const readers: Role[] = ['admin', 'executive', 'planner', 'analyst'];
    for (const role of ROLES) {
      for (const route of ['/api/v1/forecasts', '/api/v1/forecasts/sensing']) {
        const reply = await get(route, role);
        if (readers.includes(role)) expect(reply.status, `${route} as ${role}: ${reply.text}`).toBe(200);
        else {
          expect(reply.status, `${route} as ${role}`).toBe(403);
          expect(reply.json.detail).toContain('forecasts:read');
        }
      }
    }
    expect((await get('/api/v1/forecasts')).status).toBe(401);
  });

  it('returns mean, quantiles and model version per series and day, filtered and paged', async () => {
    const all = await get('/api/v1/forecasts', 'planner');
    expect(all.json.data).toHaveLength(4);
    expect(all.json.data.every((row: { run_id: number }) => row.run_id === 2)).toBe(true);
    expect(all.json.data[0]).toEqual({
      series_kind: 'channel',
      sku: 'SKU-1',
      node_id: null,
      channel_id: 'web',
      forecast_date: '2025-03-03',
      horizon: 1,
      mean: 7,
      p10: 3,
      p50: 7,
      p90: 11,
      model_version: 'demand-v2',
      origin_date: '2025-03-02',
      run_id: 2,
    });
    const node = await get('/api/v1/forecasts?node_id=ST-1&from=2025-03-04', 'analyst');
    expect(
      node.json.data.map((row: { forecast_date: string; mean: number }) => [row.forecast_date, row.mean]),
    ).toEqual([['2025-03-04', 5]]);
    const kind = await get('/api/v1/forecasts?series_kind=channel&limit=1&offset=1', 'executive');
    expect(kind.json).toMatchObject({ limit: 1, offset: 1 });
    expect(kind.json.data.map((row: { mean: number }) => row.mean)).toEqual([6.5]);
    const bad = await get('/api/v1/forecasts?series_kind=store&from=March', 'planner');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('series_kind');
  });
});

describe('GET /api/v1/forecasts/sensing', () => {
  it('lists the latest run’s flags with excess, cover shortfall, revenue at risk and episode start', async () => {
    const reply = await get('/api/v1/forecasts/sensing', 'planner');
    expect(reply.status).toBe(200);
    expect(reply.json.data).toHaveLength(2);
    expect(reply.json.data[0]).toMatchObject({
      series_kind: 'node',
      sku: 'SKU-1',
      node_id: 'ST-1',
      severity: 'high',
      driver: 'promotion',
      excess_units: 28,
      cover_units: 9,
      shortfall_units: 21,
      revenue_at_risk: 168,
      window_start: '2025-02-24',
      model_version: 'demand-v2',
      run_id: 2,
    });
    // the episode opened with run 1 and is still open
    expect(new Date(reply.json.data[0].opened_at).toISOString()).toBe('2025-02-23T00:00:00.000Z');
    const medium = await get('/api/v1/forecasts/sensing?severity=medium', 'executive');
    expect(medium.json.data.map((row: { channel_id: string }) => row.channel_id)).toEqual(['web']);
    expect((await get('/api/v1/forecasts/sensing?severity=urgent', 'planner')).status).toBe(400);
  });
});
