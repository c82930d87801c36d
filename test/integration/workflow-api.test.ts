/**
 * The workflow over HTTP: a real server on loopback, keys per role, the warehouse's own read models.
 * Role checks: owners act on exceptions, planner approves within limits and finance above, warehouse grades.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api/keys.ts';
import { type Permission, ROLES, rolesWith } from '../../src/auth/roles.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { call, createFixture, type Fixture, type Json } from '../unit/api/server-fixture.ts';
import { at, EventFactory, land, pinClock } from '../unit/ledger/fixtures.ts';
import { ROUTE_SAMPLES } from './route-samples.ts';

let fx: Fixture;
const extra: Record<string, string> = {};

async function prepare(warehouse: Warehouse): Promise<void> {
  const f = new EventFactory();
  await land(warehouse, [
    f.item('A', 100, 200),
    f.node('DC'),
    f.make('lane_upserted', at(1), {
      node_id: 'DC',
      region: 'east',
      transit_days: 1,
      cost_per_order: 1,
      cost_per_unit: 0,
    }),
    f.make('supplier_upserted', at(1), { supplier_id: 'SUP', name: 'Supplier', lead_time_days: 7 }),
    f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 3, unit_cost: 100 }),
    f.make('allocated', at(3), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 5 }),
    f.make('shipped', at(3), { order_id: 'O0', line_id: '1', node_id: 'DC', sku: 'A', qty: 1 }),
    f.make('return_received', at(4), { return_id: 'R1', node_id: 'DC', sku: 'A', qty: 1, reason: 'faulty' }),
  ]);
  await refreshLedger(warehouse);
  await pinClock(warehouse, at(5));
  extra.planner2 = (await createKey(warehouse, { role: 'planner', name: 'second planner' })).key;
}

beforeAll(async () => {
  fx = await createFixture({ prepare });
});
afterAll(async () => {
  await fx?.dispose();
});

const send = (method: string, route: string, key: string, body?: unknown) =>
  call(fx.url, method, route, { key, body });

function expectProblem(reply: { status: number; json: Json }, status: number, detail: RegExp) {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  expect(reply.json.detail).toMatch(detail);
}

describe('workflow API', () => {
  it('exceptions: queue, owner role checks, transitions', async () => {
    const queue = await send('GET', '/api/v1/exceptions/queue?exception_type=oversell', fx.keys.warehouse);
    expect(queue.status, queue.text).toBe(200);
    expect(queue.json.data).toMatchObject([
      {
        exception_type: 'oversell',
        status: 'open',
        owner_role: 'planner',
        revenue_at_risk: 600, // 3 units short × list price 200
        tracked: false,
      },
    ]);
    const id = queue.json.data[0].exception_id as string;
    const ack = `/api/v1/exceptions/${id}/acknowledge`;
    expectProblem(await send('POST', ack, fx.keys.warehouse, {}), 403, /The role warehouse may not act/);
    expectProblem(await send('POST', ack, fx.keys.executive, {}), 403, /exceptions:write/);
    const done = await send('POST', ack, fx.keys.planner, { note: 'on it' });
    expect(done.status, done.text).toBe(200);
    expect(done.json).toMatchObject({ exception_id: id, status: 'acknowledged' });
    expect(done.json.events).toHaveLength(2); // opened (first action on it), then acknowledged
    expectProblem(await send('POST', ack, fx.keys.planner, {}), 409, /it is acknowledged/);
    expect(
      (
        await send('POST', `/api/v1/exceptions/${id}/resolve`, fx.keys.planner, {
          resolution_code: 'condition_cleared',
        })
      ).status,
    ).toBe(400);
    expect(
      (await send('POST', `/api/v1/exceptions/${id}/assign`, fx.keys.admin, { assignee: 'sam' })).json,
    ).toMatchObject({ status: 'acknowledged' });
    const resolved = await send('POST', `/api/v1/exceptions/${id}/resolve`, fx.keys.planner, {
      resolution_code: 'stock_corrected',
      note: 'recounted',
    });
    expect(resolved.json).toMatchObject({ status: 'resolved' });
    expectProblem(
      await send('POST', '/api/v1/exceptions/nope/acknowledge', fx.keys.planner, {}),
      404,
      /No exception nope/,
    );
    const after = await send(
      'GET',
      '/api/v1/exceptions/queue?status=resolved&exception_type=oversell',
      fx.keys.analyst,
    );
    expect(after.json.data).toMatchObject([
      { exception_id: id, assignee: 'sam', resolution_code: 'stock_corrected' },
    ]);
    const contract = await send('GET', '/api/v1/exceptions?status=resolved', fx.keys.executive);
    expect(contract.json.data.map((row: Json) => row.exception_id)).toEqual([id]);
  });

  it('approvals: planner within limits, finance above, never the requester', async () => {
    const po = (id: string, qty: number) => ({
      kind: 'purchase_order',
      action: {
        type: 'po_created',
        po: {
          po_id: id,
          supplier_id: 'SUP',
          node_id: 'DC',
          expected_at: '2024-01-20',
          lines: [{ line_id: '1', sku: 'A', qty, unit_cost: 100 }],
        },
      },
      recommendation: { source: 'test' },
      at: at(4, 12),
    });
    const small = await send('POST', '/api/v1/approvals', fx.keys.planner, po('PO-1', 100)); // 10,000
    expect(small.status, small.text).toBe(201);
    expect(small.json).toMatchObject({ request_id: 'apr-po-PO-1', status: 'pending', required_approvals: 1 });
    expectProblem(
      await send('POST', '/api/v1/approvals/apr-po-PO-1/approve', fx.keys.planner, { reason: 'ok' }),
      403,
      /segregation of duties/,
    );
    expectProblem(
      await send('POST', '/api/v1/approvals/apr-po-PO-1/approve', fx.keys.warehouse, { reason: 'ok' }),
      403,
      /approvals:decide/,
    );
    const ok = await send('POST', '/api/v1/approvals/apr-po-PO-1/approve', extra.planner2!, {
      reason: 'ok',
      at: at(4, 13),
    });
    expect(ok.json).toMatchObject({
      status: 'approved',
      emitted: ['wf-act-apr-po-PO-1', 'wf-dec-apr-po-PO-1-1'],
    });
    expectProblem(
      await send('POST', '/api/v1/approvals/apr-po-PO-1/reject', fx.keys.finance, { reason: 'late' }),
      409,
      /approved already/,
    );

    await send('POST', '/api/v1/approvals', fx.keys.planner, po('PO-2', 300)); // 30,000: above the planner
    expectProblem(
      await send('POST', '/api/v1/approvals/apr-po-PO-2/approve', extra.planner2!, { reason: 'ok' }),
      403,
      /above the planner limit of 25000/,
    );
    const finance = await send('POST', '/api/v1/approvals/apr-po-PO-2/approve', fx.keys.finance, {
      reason: 'budget ok',
      at: at(4, 14),
    });
    expect(finance.json).toMatchObject({ status: 'approved' });
    const listed = await send('GET', '/api/v1/approvals?status=approved', fx.keys.executive);
    expect(listed.json.data.map((row: Json) => row.request_id).sort()).toEqual([
      'apr-po-PO-1',
      'apr-po-PO-2',
    ]);
    const one = await send('GET', '/api/v1/approvals/apr-po-PO-2', fx.keys.finance);
    expect(one.json).toMatchObject({ requested_by: 'planner test key', recommendation: { source: 'test' } });
    expect(one.json.decisions).toMatchObject([
      { actor: 'finance test key', role: 'finance', decision: 'approve' },
    ]);
    expect((await send('GET', '/api/v1/approvals', fx.keys.analyst)).status).toBe(403);
    expectProblem(
      await send('GET', '/api/v1/approvals/nope', fx.keys.finance),
      404,
      /No approval request nope/,
    );
  });

  it('returns: the warehouse grades, others may not', async () => {
    const queue = await send('GET', '/api/v1/returns', fx.keys.planner);
    expect(queue.json.data).toMatchObject([{ return_id: 'R1', ungraded_qty: 1, age_hours: 24 }]);
    expectProblem(
      await send('POST', '/api/v1/returns/R1/grade', fx.keys.planner, { condition: 'new' }),
      403,
      /returns:grade/,
    );
    const graded = await send('POST', '/api/v1/returns/R1/grade', fx.keys.warehouse, {
      condition: 'damaged',
      at: at(5),
    });
    expect(graded.status, graded.text).toBe(200);
    expect(graded.json).toMatchObject({
      return_id: 'R1',
      grade: 'C',
      disposition: 'refurbish',
      ungraded_left: 0,
    });
    expectProblem(
      await send('POST', '/api/v1/returns/R1/grade', fx.keys.warehouse, { condition: 'new' }),
      409,
      /graded already/,
    );
    expectProblem(
      await send('POST', '/api/v1/returns/R9/grade', fx.keys.warehouse, { condition: 'new' }),
      404,
      /No received return R9/,
    );
    expect((await send('GET', '/api/v1/returns', fx.keys.warehouse)).json.data).toEqual([]);
    const recovery = await send('GET', '/api/v1/returns/recovery', fx.keys.finance);
    expect(recovery.json.data).toMatchObject([{ disposition: 'refurbish', units: 1, recovery_value: 70 }]);
  });

  it('every workflow operation: 403 for roles without its permission, served (< 500) for the rest', async () => {
    const samples = ROUTE_SAMPLES;
    const mine = fx.server.routes.filter((route) =>
      /^\/api\/v1\/(exceptions\/|approvals|returns|audit)/.test(route.path),
    );
    expect(mine.length).toBeGreaterThanOrEqual(20);
    expect(mine.map((route) => `${route.method} ${route.path}`).filter((key) => !(key in samples))).toEqual(
      [],
    );
    for (const route of mine) {
      const sample = samples[`${route.method} ${route.path}`]!;
      const allowed = rolesWith(route.permission as Permission);
      for (const role of ROLES) {
        const reply = await call(fx.url, route.method.toUpperCase(), sample.route, {
          key: fx.keys[role],
          body: sample.body,
        });
        const what = `${route.method} ${sample.route} as ${role}: ${reply.text}`;
        if (allowed.includes(role)) {
          // served: never refused for want of the permission (a workflow refusal of its own may be a 403)
          expect(reply.status, what).not.toBe(401);
          if (reply.status === 403)
            expect(reply.json.detail, what).not.toContain(`needs ${route.permission}`);
          expect(reply.status, what).toBeLessThan(500);
        } else {
          expect(reply.status, what).toBe(403);
          expect(reply.json.detail).toContain(route.permission);
        }
      }
    }
  });

  it('an explicit `at` after the business clock is refused on every action route; without it the clock dates the action', async () => {
    const later = at(5, 0, 1); // one minute after the pinned clock
    const actions: [string, string, Record<string, unknown>][] = [
      [
        'planner',
        '/api/v1/approvals',
        {
          kind: 'purchase_order',
          action: {
            type: 'po_created',
            po: {
              po_id: 'PO-LATE',
              supplier_id: 'SUP',
              node_id: 'DC',
              expected_at: '2024-01-20',
              lines: [{ line_id: '1', sku: 'A', qty: 1, unit_cost: 100 }],
            },
          },
        },
      ],
      ['finance', '/api/v1/approvals/apr-po-PO-1/approve', { reason: 'x' }],
      ['finance', '/api/v1/approvals/apr-po-PO-1/reject', { reason: 'x' }],
      ['planner', '/api/v1/approvals/apr-po-PO-1/cancel', { reason: 'x' }],
      ['warehouse', '/api/v1/returns/R1/grade', { condition: 'new' }],
      ['warehouse', '/api/v1/returns/refurbished', { node_id: 'DC', sku: 'A', qty: 1 }],
      ['planner', '/api/v1/exceptions/NOPE/acknowledge', {}],
      ['planner', '/api/v1/exceptions/NOPE/resolve', { resolution_code: 'fixed' }],
      ['planner', '/api/v1/exceptions/NOPE/assign', { assignee: 'x' }],
      ['planner', '/api/v1/exceptions/NOPE/reopen', {}],
    ];
    const key = (role: string) => fx.keys[role as keyof typeof fx.keys];
    for (const [role, route, body] of actions) {
      // a minute later, far later, and later by the offset it carries (02:00+01:00 is 01:00Z)
      for (const time of [later, '9999-12-31T00:00:00Z', '2024-01-05T02:00:00+01:00']) {
        const reply = await send('POST', route, key(role), { ...body, at: time });
        expectProblem(reply, 400, /^at \S+ is after the business clock \(2024-01-05T00:00:00\.000Z, /);
      }
    }
    // nothing of the refused requests was written
    const listed = await send('GET', '/api/v1/approvals', fx.keys.finance);
    expect(listed.json.data.map((row: Json) => row.request_id)).not.toContain('apr-po-PO-LATE');
    // the clock itself, here named with an offset, is allowed (what happens next is the route's business)
    for (const [role, route, body] of actions) {
      const atClock = await send('POST', route, key(role), { ...body, at: '2024-01-05T01:00:00+01:00' });
      if (atClock.status >= 400) expect(atClock.json.detail, route).not.toMatch(/business clock/);
    }

    // without `at`, the clock dates the action
    const asked = await send('POST', '/api/v1/approvals', fx.keys.planner, {
      kind: 'purchase_order',
      action: {
        type: 'po_created',
        po: {
          po_id: 'PO-CLOCK',
          supplier_id: 'SUP',
          node_id: 'DC',
          expected_at: '2024-01-20',
          lines: [{ line_id: '1', sku: 'A', qty: 100, unit_cost: 100 }], // 10,000: one approval
        },
      },
    });
    expect(asked.status, asked.text).toBe(201);
    expect(asked.json.status).toBe('pending');
    const approved = await send('POST', '/api/v1/approvals/apr-po-PO-CLOCK/approve', extra.planner2!, {
      reason: 'ok',
    });
    expect(approved.json.status, approved.text).toBe('approved');
    const one = await send('GET', '/api/v1/approvals/apr-po-PO-CLOCK', fx.keys.finance);
    expect([one.json.requested_at, one.json.decided_at]).toEqual([
      '2024-01-05T00:00:00.000Z',
      '2024-01-05T00:00:00.000Z',
    ]);
  });
});
