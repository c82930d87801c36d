import { describe, expect, it } from 'vitest';
import { RelationHolds } from '../../src/allocation/holds.ts';
import { runAllocation } from '../../src/allocation/service.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import {
  type ApprovalRequestInput,
  cancelApproval,
  decide,
  listApprovals,
  requestApproval,
  screenOrders,
} from '../../src/workflow/approvals.ts';
import { auditTrail } from '../../src/workflow/audit.ts';
import { WorkflowError } from '../../src/workflow/errors.ts';
import { syncExceptions, warehouseReader } from '../../src/workflow/exceptions.ts';
import {
  type ApprovalPolicy,
  checkDecision,
  defaultApprovalPolicy,
  evaluate,
  evaluateOrder,
} from '../../src/workflow/policy.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, type EventBody, EventFactory, land, position, rows } from '../unit/ledger/fixtures.ts';
import { replayInto, workflowState } from './workflow-fixtures.ts';

const tmp = useTempDir();
const policy: ApprovalPolicy = defaultApprovalPolicy();

async function refused(work: Promise<unknown> | (() => unknown), kind: string, message: RegExp) {
  let error: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).kind).toBe(kind);
  expect((error as Error).message).toMatch(message);
}

describe('approval policy', () => {
  it('counts approvals at and around each threshold', () => {
    const needed = (kind: 'purchase_order' | 'transfer' | 'markdown', value: number) =>
      evaluate(policy, kind, value).requiredApprovals;
    expect([5000, 5000.01, 50000, 50000.01].map((v) => needed('purchase_order', v))).toEqual([0, 1, 1, 2]);
    expect([10000, 10000.01, 100000, 100000.01].map((v) => needed('transfer', v))).toEqual([0, 1, 1, 2]);
    expect([20, 20.01, 50, 50.01].map((v) => needed('markdown', v))).toEqual([0, 1, 1, 2]);
    expect(evaluate(policy, 'markdown', 25).rule).toBe('markdown 25% above 20%: one approval');
  });

  it('finds high-risk orders: value, unusual quantity, express to a new region', () => {
    const order = { value: 1500, maxLineQty: 20, serviceLevel: 'express', newRegion: false };
    expect(evaluateOrder(policy, order).requiredApprovals).toBe(0);
    expect(evaluateOrder(policy, { ...order, value: 1500.01 })).toMatchObject({
      requiredApprovals: 1,
      reasons: ['order value 1500.01 above 1500'],
    });
    expect(evaluateOrder(policy, { ...order, maxLineQty: 21 }).requiredApprovals).toBe(1);
    expect(evaluateOrder(policy, { ...order, newRegion: true }).reasons).toEqual([
      'express to a region never shipped to before',
    ]);
    expect(
      evaluateOrder(policy, { ...order, newRegion: true, serviceLevel: 'standard' }).requiredApprovals,
    ).toBe(0);
    expect(evaluateOrder(policy, { ...order, value: 10000.01 }).requiredApprovals).toBe(2);
  });

  it('checks role limits, two steps and segregation of duties', () => {
    const base = {
      kind: 'purchase_order' as const,
      requestId: 'R',
      value: 25000,
      requiredApprovals: 1,
      approvalsSoFar: 0,
      requestedBy: 'rita',
      approvedBy: [],
      actor: 'pia',
      role: 'planner',
      decision: 'approve' as const,
    };
    expect(() => checkDecision(policy, base)).not.toThrow(); // at the planner's limit
    expect(() => checkDecision(policy, { ...base, value: 25000.01 })).toThrow(
      'R is 25000.01, above the planner limit of 25000 for purchase_order: it needs a role with a higher limit (finance, admin).',
    );
    expect(() => checkDecision(policy, { ...base, value: 25000.01, role: 'finance' })).not.toThrow();
    expect(() => checkDecision(policy, { ...base, actor: 'rita' })).toThrow(/segregation of duties/);
    expect(() => checkDecision(policy, { ...base, actor: 'rita', decision: 'reject' })).toThrow(
      /segregation/,
    );
    expect(() => checkDecision(policy, { ...base, role: 'warehouse' })).toThrow(
      'The role warehouse may not decide purchase_order requests.',
    );
    // two steps: the first may come from a planner above its limit, the final one may not
    const two = { ...base, value: 60000, requiredApprovals: 2 };
    expect(() => checkDecision(policy, two)).not.toThrow();
    expect(() =>
      checkDecision(policy, { ...two, approvalsSoFar: 1, approvedBy: ['pia'], actor: 'pat' }),
    ).toThrow(/above the planner limit/);
    expect(() =>
      checkDecision(policy, {
        ...two,
        approvalsSoFar: 1,
        approvedBy: ['pia'],
        actor: 'pia',
        role: 'finance',
      }),
    ).toThrow(/already approved R/);
    expect(() =>
      checkDecision(policy, {
        ...two,
        approvalsSoFar: 1,
        approvedBy: ['pia'],
        actor: 'fay',
        role: 'finance',
      }),
    ).not.toThrow();
  });
});

function world(f: EventFactory): EventBody[] {
  return [
    f.item('A', 10, 20),
    f.item('B', 140, 300),
    f.node('DC'),
    f.node('ST', { node_type: 'store' }),
    f.make('supplier_upserted', at(1), { supplier_id: 'SUP', name: 'Supplier', lead_time_days: 7 }),
    f.make('lane_upserted', at(1), {
      node_id: 'DC',
      region: 'east',
      transit_days: 1,
      cost_per_order: 1,
      cost_per_unit: 0,
    }),
    f.make('channel_upserted', at(1), { channel_id: 'WEB', name: 'Web', channel_type: 'web' }),
    f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 100, unit_cost: 10 }),
    f.make('receipt', at(2), { node_id: 'DC', sku: 'B', qty: 100, unit_cost: 150 }),
  ];
}

const purchase = (poId: string, qty: number, at_: string): ApprovalRequestInput => ({
  kind: 'purchase_order',
  requestedBy: 'replenishment',
  action: {
    type: 'po_created',
    po: {
      po_id: poId,
      supplier_id: 'SUP',
      node_id: 'DC',
      expected_at: '2024-01-20',
      lines: [{ line_id: '1', sku: 'A', qty, unit_cost: 10 }],
    },
  },
  recommendation: { source: 'replenishment', id: `rec-${poId}`, reason: 'below reorder point' },
  context: { on_hand: 100, forecast_28d: 900 },
  at: at_,
});

describe('approvals in the warehouse', () => {
  it('request → decisions → the right events; holds; replay', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    await land(w, world(f));
    await refreshLedger(w);

    // below the threshold: approved at once, the PO lands
    const small = await requestApproval(w, purchase('PO-S', 300, at(3)));
    expect(small).toMatchObject({ status: 'approved', amount: 3000, requiredApprovals: 0 });
    expect(small.emitted).toContain('wf-act-apr-po-PO-S');
    // asking again is idempotent
    expect(await requestApproval(w, purchase('PO-S', 300, at(3)))).toMatchObject({
      status: 'approved',
      emitted: [],
    });

    // one approval, within the planner's limit
    const mid = await requestApproval(w, purchase('PO-M', 1200, at(3)));
    expect(mid).toMatchObject({
      requestId: 'apr-po-PO-M',
      status: 'pending',
      amount: 12000,
      requiredApprovals: 1,
    });
    await refused(
      decide(w, {
        requestId: mid.requestId,
        decision: 'approve',
        actor: 'replenishment',
        role: 'admin',
        reason: 'x',
      }),
      'forbidden',
      /segregation of duties/,
    );
    const approved = await decide(w, {
      requestId: mid.requestId,
      decision: 'approve',
      actor: 'pia',
      role: 'planner',
      reason: 'cover Christmas',
      at: at(4),
    });
    expect(approved).toMatchObject({
      status: 'approved',
      emitted: ['wf-act-apr-po-PO-M', 'wf-dec-apr-po-PO-M-1'],
    });
    await refused(
      decide(w, {
        requestId: mid.requestId,
        decision: 'reject',
        actor: 'fay',
        role: 'finance',
        reason: 'late',
      }),
      'invalid_transition',
      /is approved already/,
    );

    // two steps above 50,000: planner, then finance
    const big = await requestApproval(w, purchase('PO-B', 6000, at(3)));
    expect(big).toMatchObject({ status: 'pending', requiredApprovals: 2 });
    expect(
      await decide(w, {
        requestId: big.requestId,
        decision: 'approve',
        actor: 'pia',
        role: 'planner',
        reason: 'ok',
        at: at(4),
      }),
    ).toMatchObject({ status: 'pending', approvals: 1, emitted: ['wf-dec-apr-po-PO-B-1'] });
    await refused(
      decide(w, {
        requestId: big.requestId,
        decision: 'approve',
        actor: 'pat',
        role: 'planner',
        reason: 'ok',
      }),
      'forbidden',
      /above the planner limit of 25000/,
    );
    expect(
      await decide(w, {
        requestId: big.requestId,
        decision: 'approve',
        actor: 'fay',
        role: 'finance',
        reason: 'ok',
        at: at(5),
      }),
    ).toMatchObject({ status: 'approved', approvals: 2 });

    // a rejected purchase lands nothing
    const no = await requestApproval(w, purchase('PO-N', 700, at(3)));
    expect(
      await decide(w, {
        requestId: no.requestId,
        decision: 'reject',
        actor: 'pia',
        role: 'planner',
        reason: 'overstock',
        at: at(4),
      }),
    ).toMatchObject({ status: 'rejected', emitted: [expect.stringMatching(/^wf-dec-apr-po-PO-N-r/)] });

    // cancel: the requester (or admin) withdraws a pending request; nothing lands
    const withdrawn = await requestApproval(w, purchase('PO-C', 800, at(3)));
    await refused(
      cancelApproval(w, {
        requestId: withdrawn.requestId,
        actor: 'pia',
        role: 'planner',
        reason: 'not mine',
      }),
      'forbidden',
      /Only replenishment \(the requester\) or admin may cancel/,
    );
    expect(
      await cancelApproval(w, {
        requestId: withdrawn.requestId,
        actor: 'replenishment',
        role: 'planner',
        reason: 'plan changed',
        at: at(4),
      }),
    ).toMatchObject({ status: 'cancelled' });
    await refused(
      decide(w, {
        requestId: withdrawn.requestId,
        decision: 'approve',
        actor: 'fay',
        role: 'finance',
        reason: 'x',
      }),
      'invalid_transition',
      /is cancelled already/,
    );

    await refreshLedger(w);
    expect(await position(w, 'A', 'DC')).toMatchObject({ on_order: 300 + 1200 + 6000 });
    expect(
      await rows(w, "SELECT event_id, actor FROM events WHERE type = 'po_created' ORDER BY event_id"),
    ).toEqual([
      { event_id: 'wf-act-apr-po-PO-B', actor: 'fay' },
      { event_id: 'wf-act-apr-po-PO-M', actor: 'pia' },
      { event_id: 'wf-act-apr-po-PO-S', actor: 'replenishment' },
    ]);

    // transfer: valued at the sender's moving-average cost (150, not the item's 140); approved →
    // transfer_shipped-ready instructions, nothing shipped yet
    const transfer = await requestApproval(w, {
      kind: 'transfer',
      requestedBy: 'replenishment',
      action: {
        type: 'transfer',
        transfer: { transfer_id: 'T-1', from_node_id: 'DC', to_node_id: 'ST', sku: 'B', qty: 90 },
      },
      at: at(5),
    });
    expect(transfer).toMatchObject({ status: 'pending', amount: 13500 });
    const shipped = await decide(w, {
      requestId: transfer.requestId,
      decision: 'approve',
      actor: 'pia',
      role: 'planner',
      reason: 'store low',
      at: at(5),
    });
    expect(shipped.instructions).toEqual({
      event_id: 'wf-act-apr-tr-T-1',
      type: 'transfer_shipped',
      occurred_at: new Date(at(5)).toISOString(),
      transfer_id: 'T-1',
      from_node_id: 'DC',
      to_node_id: 'ST',
      sku: 'B',
      qty: 90,
    });
    expect(await rows(w, "SELECT count(*)::INT AS n FROM events WHERE type = 'transfer_shipped'")).toEqual([
      { n: 0 },
    ]);

    // markdown beyond the planner's 30%: finance; approved → price_changed
    const markdown = await requestApproval(w, {
      kind: 'markdown',
      requestedBy: 'pia',
      action: { type: 'price_changed', price: { sku: 'A', price: 12 } },
      at: at(6),
    });
    expect(markdown).toMatchObject({ status: 'pending', markdownPct: 40, amount: 8, requiredApprovals: 1 });
    await refused(
      decide(w, {
        requestId: markdown.requestId,
        decision: 'approve',
        actor: 'pat',
        role: 'planner',
        reason: 'clear',
      }),
      'forbidden',
      /40%, above the planner limit of 30%/,
    );
    await decide(w, {
      requestId: markdown.requestId,
      decision: 'approve',
      actor: 'fay',
      role: 'finance',
      reason: 'clear',
      at: at(6),
    });
    expect(
      await rows(
        w,
        "SELECT actor, (payload->>'price')::DOUBLE AS price, payload->>'reason' AS reason FROM events WHERE type = 'price_changed'",
      ),
    ).toEqual([{ actor: 'fay', price: 12, reason: 'markdown' }]);

    // high-risk orders: held until approved; rejected → cancelled
    const order = (id: string, qty: number, region: string, day: number) =>
      f.make('order_placed', at(day), {
        order_id: id,
        channel_id: 'WEB',
        ship_to_region: region,
        service_level: 'standard',
        lines: [{ line_id: '1', sku: 'A', qty, unit_price: 20 }],
      });
    await land(w, [
      order('O-OK', 2, 'east', 7),
      order('O-BIG', 80, 'east', 7),
      order('O-QTY', 25, 'east', 7),
    ]);
    await refreshLedger(w);
    const held = await screenOrders(w);
    expect(held.map((r) => [r.requestId, r.status, r.amount])).toEqual([
      ['apr-order-O-BIG', 'pending', 1600],
      ['apr-order-O-QTY', 'pending', 500],
    ]);
    expect(await screenOrders(w)).toEqual([]); // screened once
    expect([...(await new RelationHolds().heldOrders(w))].sort()).toEqual(['O-BIG', 'O-QTY']);
    // the allocator skips held orders
    const run = await runAllocation(w, { asOf: at(7, 1), substitution: false });
    expect(Object.fromEntries(run.result!.explanations.map((line) => [line.orderId, line.outcome]))).toEqual({
      'O-OK': 'allocated',
      'O-BIG': 'held',
      'O-QTY': 'held',
    });
    await syncExceptions(w, { now: at(7, 1) });
    expect(
      await rows(
        w,
        "SELECT order_id, owner_role, status FROM exceptions WHERE exception_type = 'fulfilment_hold' ORDER BY 1",
      ),
    ).toEqual([
      { order_id: 'O-BIG', owner_role: 'finance', status: 'open' },
      { order_id: 'O-QTY', owner_role: 'finance', status: 'open' },
    ]);
    await decide(w, {
      requestId: 'apr-order-O-BIG',
      decision: 'approve',
      actor: 'fay',
      role: 'finance',
      reason: 'known customer',
      at: at(8),
    });
    await decide(w, {
      requestId: 'apr-order-O-QTY',
      decision: 'reject',
      actor: 'fay',
      role: 'finance',
      reason: 'fraud pattern',
      at: at(8),
    });
    expect([...(await new RelationHolds().heldOrders(w))]).toEqual([]);
    expect(
      await rows(w, "SELECT payload->>'order_id' AS o FROM events WHERE type = 'order_cancelled'"),
    ).toEqual([{ o: 'O-QTY' }]);
    await syncExceptions(w, { now: at(8, 1) });
    expect(
      await rows(
        w,
        "SELECT order_id, status, resolution_code FROM exceptions WHERE exception_type = 'fulfilment_hold' ORDER BY 1",
      ),
    ).toEqual([
      { order_id: 'O-BIG', status: 'resolved', resolution_code: 'condition_cleared' },
      { order_id: 'O-QTY', status: 'resolved', resolution_code: 'condition_cleared' },
    ]);

    const listed = await listApprovals(warehouseReader(w), { status: 'pending' });
    expect(listed).toEqual([]);
    const [detail] = await listApprovals(warehouseReader(w), { requestId: 'apr-po-PO-B' });
    expect(detail).toMatchObject({
      requested_by: 'replenishment',
      recommendation: { source: 'replenishment', id: 'rec-PO-B', reason: 'below reorder point' },
      context: { on_hand: 100, forecast_28d: 900 },
      decisions: [
        { actor: 'pia', role: 'planner', decision: 'approve', step: 1, reason: 'ok' },
        { actor: 'fay', role: 'finance', decision: 'approve', step: 2, reason: 'ok' },
      ],
    });

    // the audit trail of the PO and of its approval: request, both decisions, the po_created, with actors
    const poTrail = await auditTrail(warehouseReader(w), { kind: 'po', id: 'PO-B' });
    expect(poTrail.map((e) => [e.type, e.actor])).toEqual([
      ['approval_requested', 'replenishment'],
      ['approval_decided', 'pia'],
      ['po_created', 'fay'],
      ['approval_decided', 'fay'],
      // no po_overdue: the business clock follows the data (its watermark), by which the PO is not late yet
    ]);
    expect(
      (await auditTrail(warehouseReader(w), { kind: 'approval', id: 'apr-po-PO-B' })).map((e) => e.event_id),
    ).toEqual(poTrail.slice(0, 4).map((e) => e.event_id));
    const orderTrail = await auditTrail(warehouseReader(w), { kind: 'order', id: 'O-QTY' });
    expect(orderTrail.map((e) => e.type)).toEqual([
      'order_placed',
      'approval_requested',
      'exception_opened',
      'order_cancelled',
      'approval_decided',
      'exception_resolved',
    ]);

    const replica = await tmp.open('replica.duckdb');
    await replayInto(w, replica);
    const state = await workflowState(w);
    expect(state.approvals).toHaveLength(9);
    expect(await workflowState(replica)).toEqual(state);
  });
});
