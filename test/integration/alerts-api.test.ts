import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { call, createFixture, type Fixture, type Json } from '../unit/api/server-fixture.ts';

async function given(warehouse: Warehouse): Promise<void> {
  await warehouse.run(`INSERT INTO alerts VALUES
    ('al-1', 'low-stock', 'low_stock', 'A@ST', 'critical', 'planner', 'ST', NULL, 'A', 'Low stock: A at ST', '0 available',
     '{"days_of_cover": 0}', 0, 3, 'open', '2024-04-01 10:00:00+00', '2024-04-01 10:00:00+00', NULL, NULL),
    ('al-2', 'delayed-inbound', 'delayed_inbound', 'po:P1', 'warning', 'planner', 'DC', NULL, NULL, 'Delayed inbound: po P1',
     '3 days late', '{"orders_exposed": 4}', 3, 3, 'open', '2024-04-02 10:00:00+00', '2024-04-02 10:00:00+00', NULL, NULL),
    ('al-3', 'low-stock', 'low_stock', 'B@ST', 'warning', 'planner', 'ST', NULL, 'B', 'Low stock: B at ST', '1 available',
     '{}', 1, 3, 'resolved', '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00', NULL, '2024-03-02 10:00:00+00')`);
}

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture({ prepare: given });
});
afterAll(async () => {
  await fx?.dispose();
});

const hook = { url: 'http://127.0.0.1:9/hook', secret: 'a-very-secret-webhook-key' };

describe('alerts API', () => {
  it('GET /alerts: open alerts with their impact; filters by severity and status', async () => {
    const open = await call(fx.url, 'GET', '/api/v1/alerts', { key: fx.keys.planner });
    expect(open.status).toBe(200);
    const data = (open.json as Json).data;
    expect(data.map((a: Json) => a.alert_id)).toEqual(['al-2', 'al-1']);
    expect(data[0].impact).toEqual({ orders_exposed: 4 });
    const critical = await call(fx.url, 'GET', '/api/v1/alerts?severity=critical', {
      key: fx.keys.executive,
    });
    expect((critical.json as Json).data.map((a: Json) => a.alert_id)).toEqual(['al-1']);
    const all = await call(fx.url, 'GET', '/api/v1/alerts?status=all', { key: fx.keys.analyst });
    expect((all.json as Json).data).toHaveLength(3);
  });

  it('needs alerts:read: the integration role and anonymous callers are refused', async () => {
    expect((await call(fx.url, 'GET', '/api/v1/alerts', { key: fx.keys.integration })).status).toBe(403);
    expect((await call(fx.url, 'GET', '/api/v1/alerts')).status).toBe(401);
    expect((await call(fx.url, 'GET', '/api/v1/jobs/runs', { key: fx.keys.planner })).status).toBe(403);
    expect((await call(fx.url, 'GET', '/api/v1/jobs/runs', { key: fx.keys.admin })).status).toBe(200);
  });

  it('subscriptions: create (validated), list own (secret hidden), delete own; admins see all', async () => {
    const bad = await call(fx.url, 'POST', '/api/v1/subscriptions', {
      key: fx.keys.planner,
      body: { name: 'x', channel: 'webhook' },
    });
    expect(bad.status).toBe(400);
    const created = await call(fx.url, 'POST', '/api/v1/subscriptions', {
      key: fx.keys.planner,
      body: { name: 'planner hook', channel: 'webhook', webhook: hook, filter: { min_severity: 'critical' } },
    });
    expect(created.status).toBe(201);
    const id = (created.json as Json).subscription_id;
    expect((created.json as Json).spec.webhook.secret).toBe('***');
    const warehouseSub = await call(fx.url, 'POST', '/api/v1/subscriptions', {
      key: fx.keys.warehouse,
      body: { name: 'dc mail', channel: 'email', email: { to: ['dc@shop.test'] }, mode: 'digest' },
    });
    expect(warehouseSub.status).toBe(201);

    const mine = await call(fx.url, 'GET', '/api/v1/subscriptions', { key: fx.keys.planner });
    expect((mine.json as Json).data.map((s: Json) => s.subscription_id)).toEqual([id]);
    const everyone = await call(fx.url, 'GET', '/api/v1/subscriptions', { key: fx.keys.admin });
    expect((everyone.json as Json).data).toHaveLength(2);

    // someone else's subscription is not yours to delete
    expect(
      (await call(fx.url, 'DELETE', `/api/v1/subscriptions/${id}`, { key: fx.keys.warehouse })).status,
    ).toBe(404);
    expect(
      (await call(fx.url, 'DELETE', `/api/v1/subscriptions/${id}`, { key: fx.keys.planner })).status,
    ).toBe(200);
    expect(
      (await call(fx.url, 'DELETE', `/api/v1/subscriptions/${id}`, { key: fx.keys.planner })).status,
    ).toBe(404);
    expect(
      (await call(fx.url, 'POST', '/api/v1/subscriptions', { key: fx.keys.integration, body: {} })).status,
    ).toBe(403);
  });
});
