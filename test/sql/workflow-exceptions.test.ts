import { describe, expect, it } from 'vitest';
import { runAllocation } from '../../src/allocation/service.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { WorkflowError } from '../../src/workflow/errors.ts';
import { mayAct, transition } from '../../src/workflow/exception-machine.ts';
import {
  actOnException,
  listQueue,
  priorityScore,
  syncExceptions,
  warehouseReader,
} from '../../src/workflow/exceptions.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, type EventBody, EventFactory, land, rows } from '../unit/ledger/fixtures.ts';
import { replayInto, workflowState } from './workflow-fixtures.ts';

const tmp = useTempDir();

async function apply(warehouse: Warehouse, events: EventBody[]): Promise<void> {
  await land(warehouse, events);
  await refreshLedger(warehouse);
}

function world(f: EventFactory): EventBody[] {
  return [
    f.item('A', 2, 10),
    f.node('DC'),
    f.make('lane_upserted', at(1), {
      node_id: 'DC',
      region: 'east',
      transit_days: 2,
      cost_per_order: 1,
      cost_per_unit: 0.1,
    }),
  ];
}

const alloc = (f: EventFactory, order: string, qty: number, when: string) =>
  f.make('allocated', when, { order_id: order, line_id: '1', node_id: 'DC', sku: 'A', qty });

async function queue(w: Warehouse, now: string, status = 'all') {
  return listQueue(warehouseReader(w), { status, type: 'oversell' }, { now });
}

async function expectRefused(work: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).kind).toBe(kind);
  expect((error as Error).message).toMatch(message);
}

describe('exception state machine', () => {
  it('allows open → acknowledged → resolved → open, and refuses the rest with a clear error', () => {
    expect(transition('X', 'open', 'acknowledge')).toBe('acknowledged');
    expect(transition('X', 'open', 'resolve')).toBe('resolved');
    expect(transition('X', 'acknowledged', 'resolve')).toBe('resolved');
    expect(transition('X', 'acknowledged', 'assign')).toBe('acknowledged');
    expect(transition('X', 'resolved', 'reopen')).toBe('open');
    expect(() => transition('X', 'acknowledged', 'acknowledge')).toThrow(
      'Cannot acknowledge exception X: it is acknowledged (acknowledge needs open).',
    );
    expect(() => transition('X', 'resolved', 'resolve')).toThrow(/it is resolved/);
    expect(() => transition('X', 'resolved', 'assign')).toThrow(/it is resolved/);
    expect(() => transition('X', 'open', 'reopen')).toThrow(/reopen needs resolved/);
  });

  it('lets the owner, earlier owners and admin act', () => {
    const chain = ['warehouse', 'planner', 'admin'];
    expect(mayAct('warehouse', chain, 0)).toBe(true);
    expect(mayAct('planner', chain, 0)).toBe(false);
    expect(mayAct('planner', chain, 1)).toBe(true);
    expect(mayAct('warehouse', chain, 1)).toBe(true);
    expect(mayAct('finance', chain, 2)).toBe(false);
    expect(mayAct('admin', chain, 0)).toBe(true);
  });

  it('orders by impact, then age', () => {
    const base = { status: 'open', severity: 'medium', revenueAtRisk: 0, promisesAffected: 0, ageHours: 0 };
    expect(priorityScore(base)).toBe(30);
    expect(priorityScore({ ...base, revenueAtRisk: 100, promisesAffected: 2 })).toBe(230);
    expect(priorityScore({ ...base, ageHours: 72 })).toBe(60);
    expect(priorityScore({ ...base, status: 'resolved', revenueAtRisk: 1000 })).toBe(0);
  });
});

describe('exception queue', () => {
  it('opens once per condition, escalates by the clock, auto-resolves, and replays', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      ...world(f),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 3, unit_cost: 2 }),
      alloc(f, 'O1', 2, at(3)),
      alloc(f, 'O2', 2, at(4)), // available -1 from day 4
    ]);
    const first = await syncExceptions(w, { now: at(4, 1) });
    expect(first).toMatchObject({ opened: 1, autoResolved: 0, escalated: 0 });
    let [item] = await queue(w, at(4, 1));
    expect(item).toMatchObject({
      exception_type: 'oversell',
      status: 'open',
      owner_role: 'planner',
      escalation_level: 0,
      // high severity: 8 h × 0.5
      sla_due_at: new Date(at(4, 4)).toISOString(),
      overdue: false,
      revenue_at_risk: 10, // 1 unit short × list price 10
      promises_affected: 2,
      tracked: true,
      condition_active: true,
    });
    const id = item!.exception_id;

    // dedup: the same condition does not open a second exception, even when a late event moves its start
    expect(await syncExceptions(w, { now: at(4, 2) })).toMatchObject({ opened: 0, escalated: 0 });
    await apply(w, [f.make('pos_sale', at(3, 12), { node_id: 'DC', sku: 'A', qty: 2, unit_price: 10 })]);
    // …and the SLA runs from when the condition began (now day 3 12:00; high: 4 h): escalated once, to admin
    expect(await syncExceptions(w, { now: at(4, 3) })).toMatchObject({ opened: 0, escalated: 1 });
    const moved = await queue(w, at(4, 3));
    expect(moved.map((row) => [row.exception_id, row.opened_at])).toEqual([
      [id, new Date(at(3, 12)).toISOString()],
    ]);
    const [{ source_id }] = (await rows(w, 'SELECT source_id FROM exceptions')) as [{ source_id: string }];
    expect(source_id).not.toBe(id); // the ledger sees a new episode; the workflow keeps the exception

    expect(await rows(w, "SELECT occurred_at FROM events WHERE type = 'exception_escalated'")).toEqual([
      { occurred_at: new Date(at(3, 16)).toISOString() },
    ]);
    expect(await syncExceptions(w, { now: at(9) })).toMatchObject({ escalated: 0 }); // admin is the last
    [item] = await queue(w, at(4, 5));
    expect(item).toMatchObject({ owner_role: 'admin', escalation_level: 1 });

    // roles and transitions
    await expectRefused(
      actOnException(w, {
        exceptionId: id,
        action: 'acknowledge',
        actor: 'wes',
        role: 'warehouse',
        at: at(5),
      }),
      'forbidden',
      /The role warehouse may not act on exception/,
    );
    await actOnException(w, {
      exceptionId: id,
      action: 'acknowledge',
      actor: 'pia',
      role: 'planner',
      at: at(5),
    });
    await expectRefused(
      actOnException(w, {
        exceptionId: id,
        action: 'acknowledge',
        actor: 'pia',
        role: 'planner',
        at: at(5, 1),
      }),
      'invalid_transition',
      /it is acknowledged/,
    );
    await actOnException(w, {
      exceptionId: id,
      action: 'assign',
      actor: 'pia',
      role: 'planner',
      assignee: 'sam',
      at: at(5, 2),
    });
    await expectRefused(
      actOnException(w, { exceptionId: 'nope', action: 'resolve', actor: 'pia', role: 'admin' }),
      'not_found',
      /No exception nope/,
    );
    [item] = await queue(w, at(5, 2));
    expect(item).toMatchObject({ status: 'acknowledged', assignee: 'sam', owner_role: 'admin' });

    // auto-resolution: stock arrives, the condition clears
    await apply(w, [f.make('receipt', at(6), { node_id: 'DC', sku: 'A', qty: 5, unit_cost: 2 })]);
    expect(await syncExceptions(w, { now: at(6, 1) })).toMatchObject({ autoResolved: 1, opened: 0 });
    [item] = await queue(w, at(6, 1));
    expect(item).toMatchObject({
      exception_id: id,
      status: 'resolved',
      resolution_code: 'condition_cleared',
      condition_active: false,
      priority: 0,
    });
    expect(await syncExceptions(w, { now: at(6, 2) })).toMatchObject({ autoResolved: 0, opened: 0 });

    // the condition comes back: a new episode, a new exception
    await apply(w, [alloc(f, 'O3', 9, at(7))]);
    expect(await syncExceptions(w, { now: at(7, 1) })).toMatchObject({ opened: 1 });
    const all = await queue(w, at(7, 1));
    expect(all.map((row) => row.status)).toEqual(['open', 'resolved']);
    await actOnException(w, {
      exceptionId: all[0]!.exception_id,
      action: 'resolve',
      actor: 'pia',
      role: 'planner',
      code: 'accepted',
      note: 'customer agreed to wait',
      at: at(7, 2),
    });
    expect(await rows(w, "SELECT status, note FROM exceptions WHERE resolution_code = 'accepted'")).toEqual([
      { status: 'resolved', note: 'customer agreed to wait' },
    ]);

    // replaying the event log into an empty warehouse reproduces every workflow state
    const replica = await tmp.open('replica.duckdb');
    await replayInto(w, replica);
    expect(await workflowState(replica)).toEqual(await workflowState(w));
    expect((await workflowState(w)).exceptions).toHaveLength(2);
  });

  it("the allocator's exceptions flow into the queue and auto-resolve with it", async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await apply(w, [
      ...world(f),
      f.make('channel_upserted', at(1), { channel_id: 'WEB', name: 'Web', channel_type: 'web' }),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 3, unit_cost: 2 }),
      f.make('order_placed', at(3), {
        order_id: 'O1',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [{ line_id: '1', sku: 'A', qty: 5, unit_price: 9 }],
      }),
    ]);
    await runAllocation(w, { asOf: at(3, 1), substitution: false });
    await syncExceptions(w, { now: at(3, 2) });
    const [backorder] = await listQueue(warehouseReader(w), { type: 'backorder' }, { now: at(3, 2) });
    expect(backorder).toMatchObject({
      exception_type: 'backorder',
      order_id: 'O1',
      line_id: '1',
      status: 'open',
      owner_role: 'planner',
      revenue_at_risk: 18, // 2 units short × 9
      promises_affected: 1,
      tracked: true,
    });
    await apply(w, [f.make('receipt', at(4), { node_id: 'DC', sku: 'A', qty: 5, unit_cost: 2 })]);
    await runAllocation(w, { asOf: at(4, 1), substitution: false });
    expect(await syncExceptions(w, { now: at(4, 2) })).toMatchObject({ autoResolved: 1 });
    expect(
      await listQueue(warehouseReader(w), { type: 'backorder', status: 'all' }, { now: at(4, 2) }),
    ).toMatchObject([
      { exception_id: backorder!.exception_id, status: 'resolved', resolution_code: 'condition_cleared' },
    ]);
  });
});
