/**
 * GET /api/v1/close on a real server and warehouse: the finance close view of the given late events
 * (test/sql/close-fixtures.ts), its drivers, its filters, and its permission (valuation:read: finance yes,
 * warehouse no). The figures themselves are checked in test/sql/finance-close.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverClose } from '../sql/close-fixtures.ts';
import { call, createFixture, type Fixture, type Json } from '../unit/api/server-fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture({ prepare: (warehouse) => deliverClose(warehouse, true) });
});
afterAll(async () => {
  await fx?.dispose();
});

const get = (route: string, role: 'finance' | 'warehouse' | 'executive') =>
  call(fx.url, 'GET', route, { key: fx.keys[role] });

describe('GET /api/v1/close', () => {
  it('lists the days still moving or pending, newest first, with what kept them open', async () => {
    const reply = await get('/api/v1/close?period=day', 'finance');
    expect(reply.status, JSON.stringify(reply.json)).toBe(200);
    expect(
      reply.json.data.map((row: Json) => [row.period_start.slice(0, 10), row.status, row.days_to_settle]),
    ).toEqual([
      ['2024-01-09', 'pending', 0],
      ['2024-01-08', 'moving', 0.3333],
      ['2024-01-07', 'moving', 1.3333],
      ['2024-01-04', 'moving', 0.4167],
      ['2024-01-03', 'moving', 1.4167],
    ]);
    expect(reply.json.data[0]).toMatchObject({
      ungraded_returns: 1,
      refunds_without_return: 1,
      open_transfers: 1,
    });
    expect(reply.json.drivers.map((row: Json) => [row.period_start.slice(0, 10), row.type])).toEqual([
      ['2024-01-08', 'cycle_count'],
      ['2024-01-07', 'cycle_count'],
      ['2024-01-04', 'receipt'],
      ['2024-01-03', 'receipt'],
    ]);
  });

  it('filters by status and dates; weeks; January has not ended', async () => {
    const moving = await get('/api/v1/close?period=day&status=moving&from=2024-01-05', 'executive');
    expect(moving.json.data.map((row: Json) => row.period_start.slice(0, 10))).toEqual([
      '2024-01-08',
      '2024-01-07',
    ]);
    const settled = await get('/api/v1/close?period=day&status=settled', 'finance');
    expect(settled.json.data).toHaveLength(6);
    expect(settled.json.drivers).toEqual([]);
    const weeks = await get('/api/v1/close?period=week&status=all', 'finance');
    expect(weeks.json.data.map((row: Json) => [row.period_start.slice(0, 10), row.status])).toEqual([
      ['2024-01-01', 'moving'],
    ]);
    expect((await get('/api/v1/close', 'finance')).json.data).toEqual([]);
    expect((await get('/api/v1/close?period=year', 'finance')).status).toBe(400);
  });

  it('needs valuation:read', async () => {
    expect((await get('/api/v1/close', 'warehouse')).status).toBe(403);
  });
});
