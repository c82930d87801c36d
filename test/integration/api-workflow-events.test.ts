/**
 * Workflow decisions cannot be forged through POST /events: an integration key posting an approval or an
 * exception action is refused (403) and nothing of the request lands; admin may post them (replays).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { call, createFixture, type Fixture } from '../unit/api/server-fixture.ts';

const acknowledged = (event_id: string) => ({
  event_id,
  type: 'exception_acknowledged',
  occurred_at: '2025-03-10T09:00:00Z',
  actor: 'someone',
  exception_id: 'EX-1',
});
const receipt = (event_id: string) => ({
  event_id,
  type: 'receipt',
  occurred_at: '2025-03-10T08:00:00Z',
  node_id: 'DC-1',
  sku: 'SKU-1',
  qty: 1,
  unit_cost: 2,
});

describe('workflow events over POST /events', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture({ server: { operations: { enabled: false } } });
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('refuses them (and the whole request) for roles other than admin, and accepts them from admin', async () => {
    for (const role of ['integration', 'warehouse'] as const) {
      const reply = await call(fx.url, 'POST', '/api/v1/events', {
        key: fx.keys[role],
        body: [receipt(`r-${role}`), acknowledged(`ack-${role}`)],
      });
      expect(reply.status).toBe(403);
      expect(reply.json.detail).toContain('exception_acknowledged');
    }
    const plain = await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.integration,
      body: receipt('r-ok'),
    });
    expect(plain.json.accepted).toBe(1);
    const admin = await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.admin,
      body: acknowledged('ack-admin'),
    });
    expect(admin.status).toBe(200);
    expect(admin.json.accepted).toBe(1);
    await fx.server.close();
    const warehouse = await Warehouse.open(fx.db);
    try {
      const rows = await warehouse.all<{ event_id: string }>(
        'SELECT event_id FROM event_log ORDER BY event_id',
      );
      expect(rows.map((row) => row.event_id)).toEqual(['ack-admin', 'r-ok']);
    } finally {
      await warehouse.close();
    }
  });
});
