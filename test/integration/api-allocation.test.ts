/**
 * Allocation through the server, end to end over loopback HTTP: events posted by integrators trigger the
 * operations pipeline (ledger refresh, then allocation) without anyone running a command; the allocation
 * routes run and explain; and concurrent clients placing orders for scarce stock never oversell a node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, type Json } from '../unit/api/server-fixture.ts';

const at = (time: string) => `2025-03-10T${time}:00Z`;
let counter = 0;
const id = (prefix: string) => `${prefix}-${++counter}`;

const node = (node_id: string) => ({
  event_id: id('node'),
  type: 'node_upserted',
  occurred_at: at('06:00'),
  node_id,
  name: node_id,
  node_type: 'dc',
  region: 'east',
  can_ship: true,
  can_pickup: false,
});
const lane = (node_id: string, cost_per_order: number, cost_per_unit: number) => ({
  event_id: id('lane'),
  type: 'lane_upserted',
  occurred_at: at('06:00'),
  node_id,
  region: 'east',
  transit_days: 1,
  cost_per_order,
  cost_per_unit,
});
const channel = {
  event_id: 'channel-web',
  type: 'channel_upserted',
  occurred_at: at('06:00'),
  channel_id: 'web',
  name: 'Web',
  channel_type: 'web',
};
const receipt = (node_id: string, sku: string, qty: number) => ({
  event_id: id('receipt'),
  type: 'receipt',
  occurred_at: at('07:00'),
  node_id,
  sku,
  qty,
  unit_cost: 5,
});
const order = (order_id: string, time: string, sku: string, qty: number) => ({
  event_id: `placed-${order_id}`,
  type: 'order_placed',
  occurred_at: time,
  order_id,
  channel_id: 'web',
  ship_to_region: 'east',
  service_level: 'standard',
  lines: [{ line_id: '1', sku, qty, unit_price: 20 }],
});

/**
 * Waits until `check` holds, re-reading through the API. Bounded only as a guard against a hang (four
 * minutes): the background pipeline backs off after each run, and on a loaded machine a run can take long.
 */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const giveUpAt = Date.now() + 240_000;
  let value = await read();
  while (!check(value) && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('allocation over HTTP', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture({ server: { operations: { debounceMs: 20, maxWaitMs: 200 } } });
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  const post = (events: unknown[]) =>
    call(fx.url, 'POST', '/api/v1/events', { key: fx.keys.integration, body: events });

  it('allocates orders posted by an integrator without anyone running a command', async () => {
    // N1: 2 + 1/unit, N2: 3 + 2/unit; 2 units of A from N1 cost 4, from N2 7.
    const landed = await post([
      node('N1'),
      node('N2'),
      lane('N1', 2, 1),
      lane('N2', 3, 2),
      channel,
      receipt('N1', 'A', 2),
      receipt('N2', 'A', 5),
      order('O1', at('09:00'), 'A', 2),
    ]);
    expect(landed.status).toBe(200);
    const allocation = await eventually(
      () => call(fx.url, 'GET', '/api/v1/orders/O1/allocation', { key: fx.keys.integration }),
      (reply) => reply.status === 200 && reply.json.claims.length > 0,
    );
    expect(allocation.json.claims).toEqual([
      { line_id: '1', node_id: 'N1', sku: 'A', reserved: 2, shipped: 0 },
    ]);
    expect(allocation.json.lines[0]).toMatchObject({ lineId: '1' });
    // The pipeline refreshed the ledger after landing the allocation: positions show the reservation.
    const positions = await eventually(
      () => call(fx.url, 'GET', '/api/v1/positions?sku=A', { key: fx.keys.planner }),
      (reply) => reply.status === 200 && reply.json.data.some((row: Json) => row.reserved === 2),
    );
    expect(positions.json.data.map((row: Json) => [row.node_id, row.sellable, row.reserved])).toEqual([
      ['N1', 2, 2],
      ['N2', 5, 0],
    ]);
  });

  it('runs on demand for roles that may, refuses others, and answers 404 and 405 precisely', async () => {
    await post([order('O2', at('10:00'), 'A', 1)]);
    const run = await call(fx.url, 'POST', '/api/v1/allocations/run', { key: fx.keys.planner, body: {} });
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ dry_run: false });
    // Whether the background pipeline or this run placed O2, it ends at N2 (N1 is fully reserved).
    const o2 = await call(fx.url, 'GET', '/api/v1/orders/O2/allocation', { key: fx.keys.warehouse });
    expect(o2.json.claims).toEqual([{ line_id: '1', node_id: 'N2', sku: 'A', reserved: 1, shipped: 0 }]);

    const dry = await call(fx.url, 'POST', '/api/v1/allocations/run', {
      key: fx.keys.warehouse,
      body: { dry_run: true },
    });
    expect(dry.status).toBe(200);
    expect(dry.json.events_landed).toBe(0);

    const finance = await call(fx.url, 'POST', '/api/v1/allocations/run', { key: fx.keys.finance, body: {} });
    expect(finance.status).toBe(403);
    const anonymous = await call(fx.url, 'GET', '/api/v1/orders/O1/allocation');
    expect(anonymous.status).toBe(401);
    const unknown = await call(fx.url, 'GET', '/api/v1/orders/NOPE/allocation', { key: fx.keys.admin });
    expect(unknown.status).toBe(404);
    const badBody = await call(fx.url, 'POST', '/api/v1/allocations/run', {
      key: fx.keys.admin,
      body: { dry_run: 'yes' },
    });
    expect(badBody.status).toBe(400);
    const wrongMethod = await call(fx.url, 'GET', '/api/v1/allocations/run', { key: fx.keys.admin });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const wrongMethodEvents = await call(fx.url, 'DELETE', '/api/v1/events', { key: fx.keys.admin });
    expect(wrongMethodEvents.status).toBe(405);
  });

  it('never oversells when 8 clients place orders for scarce stock at once', async () => {
    // 6 units of S at N1, 4 at N2; 8 clients place 5 single-unit orders each (40 units wanted).
    await post([receipt('N1', 'S', 6), receipt('N2', 'S', 4)]);
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let n = 0; n < 5; n++) {
        const minute = String(client * 5 + n).padStart(2, '0');
        const reply = await post([order(`S-${client}-${n}`, `2025-03-10T11:${minute}:00Z`, 'S', 1)]);
        expect(reply.status).toBe(200);
        // Some clients also ask for a run, racing the background pipeline.
        if (n % 2 === client % 2) {
          const run = await call(fx.url, 'POST', '/api/v1/allocations/run', { key: fx.keys.admin, body: {} });
          expect(run.status).toBe(200);
        }
      }
    });
    await Promise.all(clients);
    await call(fx.url, 'POST', '/api/v1/allocations/run', { key: fx.keys.admin, body: {} });
    const positions = await eventually(
      () => call(fx.url, 'GET', '/api/v1/positions?sku=S', { key: fx.keys.admin }),
      (reply) => reply.json?.data?.reduce((sum: number, row: Json) => sum + row.reserved, 0) === 10,
    );
    for (const row of positions.json.data) expect(row.reserved).toBeLessThanOrEqual(row.sellable);
    expect(positions.json.data.map((row: Json) => [row.node_id, row.reserved])).toEqual([
      ['N1', 6],
      ['N2', 4],
    ]);
    // Each unit went to exactly one order; the other 30 orders wait as backorders, not half-served.
    let held = 0;
    let backordered = 0;
    for (let client = 0; client < 8; client++) {
      for (let n = 0; n < 5; n++) {
        const reply = await call(fx.url, 'GET', `/api/v1/orders/S-${client}-${n}/allocation`, {
          key: fx.keys.admin,
        });
        const reserved = reply.json.claims.reduce((sum: number, claim: Json) => sum + claim.reserved, 0);
        expect(reserved).toBeLessThanOrEqual(1);
        held += reserved;
        if (reply.json.exceptions.some((e: Json) => e.exception_type === 'backorder' && e.status === 'open'))
          backordered++;
      }
    }
    expect(held).toBe(10);
    expect(backordered).toBe(30);
  });
});
