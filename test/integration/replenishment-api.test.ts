import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { planReplenishment } from '../../src/replenishment/service.ts';
import { world } from '../sql/replenishment-fixtures.ts';
import { call, createFixture, type Fixture } from '../unit/api/server-fixture.ts';
import { EventFactory, land } from '../unit/ledger/fixtures.ts';

describe('replenishment API over a real loopback server', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture({
      prepare: async (warehouse) => {
        await land(warehouse, world(new EventFactory()));
        await refreshLedger(warehouse);
        await planReplenishment(warehouse, { config: { baselineDays: 28 } });
      },
      // no background allocation: it would reserve the open order's units and move the expected figures
      server: { operations: { enabled: false } },
    });
  });
  afterAll(async () => fx?.dispose());

  it('reads need recommendations:read: planner, executive, analyst, admin yes; warehouse, integration, finance no; no key 401', async () => {
    for (const route of ['/api/v1/recommendations', '/api/v1/suppliers', '/api/v1/exposure']) {
      for (const role of ['planner', 'executive', 'analyst', 'admin'] as const) {
        expect((await call(fx.url, 'GET', route, { key: fx.keys[role] })).status, `${role} ${route}`).toBe(
          200,
        );
      }
      for (const role of ['warehouse', 'integration', 'finance'] as const) {
        expect((await call(fx.url, 'GET', route, { key: fx.keys[role] })).status, `${role} ${route}`).toBe(
          403,
        );
      }
      expect((await call(fx.url, 'GET', route)).status).toBe(401);
    }
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = await call(fx.url, 'GET', '/api/v1/openapi.json', { key: fx.keys.planner });
    expect(doc.status).toBe(200);
    for (const path of [
      '/recommendations',
      '/recommendations/{recommendation_id}',
      '/suppliers',
      '/exposure',
    ]) {
      expect(
        Object.keys(doc.json.paths).some((p: string) => p.endsWith(path)),
        path,
      ).toBe(true);
    }
  });

  it('lists, filters and explains recommendations; suppliers and exposure', async () => {
    const list = await call(fx.url, 'GET', '/api/v1/recommendations', { key: fx.keys.planner });
    expect(
      list.json.data.map((r: { kind: string; qty: number; status: string }) => [r.kind, r.qty, r.status]),
    ).toEqual([
      ['purchase_order', 12, 'ordered'], // within the approval policy's limit: approved when planned
      ['transfer', 12, 'proposed'],
    ]);
    const transfers = await call(fx.url, 'GET', '/api/v1/recommendations?kind=transfer', {
      key: fx.keys.analyst,
    });
    expect(transfers.json.data).toHaveLength(1);
    const one = await call(fx.url, 'GET', `/api/v1/recommendations/${list.json.data[0].recommendation_id}`, {
      key: fx.keys.executive,
    });
    expect(one.json.lines[0].sku).toBe('B');
    expect(one.json.explanation).toMatch(/Buy 12 units/);
    expect((await call(fx.url, 'GET', '/api/v1/recommendations/nope', { key: fx.keys.planner })).status).toBe(
      404,
    );
    expect(
      (await call(fx.url, 'GET', '/api/v1/recommendations?status=bogus', { key: fx.keys.planner })).status,
    ).toBe(400);
    const suppliers = await call(fx.url, 'GET', '/api/v1/suppliers?by_node=true', { key: fx.keys.planner });
    expect(suppliers.json.data.map((r: { scope: string }) => r.scope)).toEqual(['supplier', 'supplier_node']);
    const exposed = await call(fx.url, 'GET', '/api/v1/exposure', { key: fx.keys.planner });
    expect(exposed.json.data).toMatchObject([
      { po_id: 'P9', sku: 'A', node_id: 'DC', days_short: 9, revenue_at_risk: 45 },
    ]);
  });

  it('POST /recommendations/plan runs a plan in the server (planners); a bad config is a 400', async () => {
    expect(
      (await call(fx.url, 'POST', '/api/v1/recommendations/plan', { key: fx.keys.analyst, body: {} })).status,
    ).toBe(403);
    const bad = await call(fx.url, 'POST', '/api/v1/recommendations/plan', {
      key: fx.keys.planner,
      body: { reviewPeriodDays: -1 },
    });
    expect([bad.status, bad.text]).toEqual([400, expect.stringMatching(/reviewPeriodDays/)]);
  });

  it('approve needs recommendations:approve and goes through the workflow; a decided one answers 409', async () => {
    const list = await call(fx.url, 'GET', '/api/v1/recommendations?status=proposed', {
      key: fx.keys.planner,
    });
    expect(list.json.data).toHaveLength(1);
    const id = list.json.data[0].recommendation_id;
    const path = `/api/v1/recommendations/${id}/approve`;
    expect((await call(fx.url, 'POST', path, { key: fx.keys.analyst, body: {} })).status).toBe(403);
    expect((await call(fx.url, 'POST', path, { key: fx.keys.executive, body: {} })).status).toBe(403);
    const approved = await call(fx.url, 'POST', path, { key: fx.keys.planner, body: { reason: 'ok' } });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ kind: 'transfer', status: 'ordered', ordered_ref: `TR-${id}-1` });
    expect((await call(fx.url, 'POST', path, { key: fx.keys.planner, body: {} })).status).toBe(409);
    expect(
      (await call(fx.url, 'POST', '/api/v1/recommendations/nope/reject', { key: fx.keys.planner, body: {} }))
        .status,
    ).toBe(404);
  });

  it('a new plan through the API supersedes what is still proposed', async () => {
    const planned = await call(fx.url, 'POST', '/api/v1/recommendations/plan', {
      key: fx.keys.planner,
      body: { baselineDays: 28, approvalRequests: 'none' },
    });
    expect(planned.status).toBe(201);
    expect(planned.json).toMatchObject({ demand_source: 'baseline', auto_approved: 0 });
    const ordered = await call(fx.url, 'GET', '/api/v1/recommendations?status=ordered', {
      key: fx.keys.planner,
    });
    expect(ordered.json.data).toHaveLength(2);
  });
});
