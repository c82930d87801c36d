/**
 * Approval requests are judged on the warehouse's amounts (issue 15, item 1): given a price history, costs
 * and positions, each request gets the expected amount and number of approvals, whatever the requester
 * claims. Claims of their own (`current_price`, `unit_value`, …) are refused; unknown skus and nodes too.
 */
import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { type ApprovalRequestInput, requestApproval } from '../../src/workflow/approvals.ts';
import { WorkflowError } from '../../src/workflow/errors.ts';
import { policyRefusals, type RawEvent } from '../../src/workflow/raw-event-policy.ts';
import { warehouseReader } from '../../src/workflow/reader.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, EventFactory, land, pinClock, rows } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

/**
 * APP: list 87.99, no price history (the probe's sku). P: list 100; all-channel regular 80 (day 2), WEB
 * markdown 50 (day 3), an all-channel promotion 30 running (day 4–20), a STORE markdown 20 that ended
 * (day 2–3). Q: list 100, an all-channel clearance at 10 (day 2) lifted back to 100 (day 5). T: item cost
 * 150, 1000 units received at DC at 182.5. Business now: day 10.
 */
async function world(): Promise<Warehouse> {
  const w = await tmp.open();
  const f = new EventFactory();
  const price = (day: number, fields: Record<string, unknown>) => f.make('price_changed', at(day), fields);
  await land(w, [
    f.item('SKU-APP-00001', 40, 87.99),
    f.item('P', 50, 100),
    f.item('Q', 50, 100),
    f.item('T', 150, 300),
    f.node('DC'),
    f.node('ST', { node_type: 'store' }),
    f.make('supplier_upserted', at(1), { supplier_id: 'SUP', name: 'Supplier', lead_time_days: 7 }),
    price(2, { sku: 'P', price: 80, reason: 'regular' }),
    price(3, { sku: 'P', channel_id: 'WEB', price: 50, reason: 'markdown' }),
    price(4, { sku: 'P', price: 30, reason: 'promotion', ends_at: at(20) }),
    price(2, { sku: 'P', channel_id: 'STORE', price: 20, reason: 'markdown', ends_at: at(3) }),
    price(2, { sku: 'Q', price: 10, reason: 'markdown' }),
    price(5, { sku: 'Q', price: 100, reason: 'regular' }),
    f.make('receipt', at(2), { node_id: 'DC', sku: 'T', qty: 1000, unit_cost: 182.5 }),
  ]);
  await refreshLedger(w);
  await pinClock(w, at(10));
  return w;
}

async function refused(work: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).kind).toBe('invalid');
  expect((error as Error).message).toMatch(message);
}

const markdown = (price: Record<string, unknown>, extra: Record<string, unknown> = {}, when?: string) =>
  ({
    kind: 'markdown',
    requestedBy: 'pia',
    action: { type: 'price_changed', price, ...extra },
    ...(when ? { at: when } : {}),
  }) as ApprovalRequestInput;

describe('markdown requests: the cut from the price history or list price', () => {
  it('given the history, each request gets the expected cut and approvals', async () => {
    const w = await world();
    const cases: [Record<string, unknown>, string | undefined, number, number, string][] = [
      // the probe: 87.99 → 9.99 is an 88.65 % cut needing two approvals
      [{ sku: 'SKU-APP-00001', price: 9.99 }, undefined, 88.65, 2, 'current price 87.99 from the list price'],
      // all channels: the base 80 (the running promotion is no reference)
      [{ sku: 'P', price: 60 }, undefined, 25, 1, 'current price 80 from the all-channel price history'],
      // WEB: its own markdown 50 first
      [
        { sku: 'P', channel_id: 'WEB', price: 45 },
        undefined,
        10,
        0,
        'current price 50 from the WEB price history',
      ],
      // STORE: its markdown ended, so the all-channel 80
      [
        { sku: 'P', channel_id: 'STORE', price: 36 },
        undefined,
        55,
        2,
        'current price 80 from the all-channel',
      ],
      // a promotion is judged against the base, not against the promotion running (30)
      [{ sku: 'P', price: 40, reason: 'promotion', ends_at: at(15) }, undefined, 50, 1, 'current price 80'],
      // a regular rise cuts nothing
      [{ sku: 'P', price: 120, reason: 'regular' }, undefined, 0, 0, 'current price 80'],
      // backdated into Q's clearance (10 then): judged against today's 100
      [{ sku: 'Q', channel_id: 'WEB', price: 9 }, at(3), 91, 2, 'current price 100 from the all-channel'],
    ];
    const got = [];
    for (const [price, when, , ,] of cases) {
      const result = await requestApproval(w, markdown(price, {}, when));
      const [row] = await rows(
        w,
        `SELECT rule FROM workflow_approvals WHERE request_id = '${result.requestId}'`,
      );
      got.push([result.markdownPct, result.requiredApprovals, row!.rule]);
    }
    expect(got).toEqual(
      cases.map(([, , pct, approvals, basis]) => [pct, approvals, expect.stringContaining(basis)]),
    );
    // below the threshold it lands at once, at the requested price; above it, nothing lands yet
    expect(
      await rows(
        w,
        "SELECT payload->>'sku' AS sku, (payload->>'price')::DOUBLE AS price FROM events WHERE source = 'workflow' AND type = 'price_changed' ORDER BY 2",
      ),
    ).toEqual([
      { sku: 'P', price: 45 },
      { sku: 'P', price: 120 },
    ]);
  });

  it('refuses claimed prices, unknown skus and prices that are no valid event', async () => {
    const w = await world();
    await refused(
      requestApproval(w, markdown({ sku: 'SKU-APP-00001', price: 9.99 }, { current_price: 10.5 })),
      /current_price not accepted: the policy takes every amount \(current price, unit cost, value\) from the warehouse/,
    );
    await refused(
      requestApproval(w, markdown({ sku: 'SKU-APP-00001', price: 9.99, current_price: 10.5 })),
      /price_changed is not valid: .*current_price/,
    );
    await refused(
      requestApproval(w, markdown({ sku: 'NOPE', price: 1 })),
      /Cannot value this markdown request: sku NOPE is unknown to the warehouse/,
    );
    await refused(requestApproval(w, markdown({ sku: 'P', price: -1 })), /price_changed is not valid/);
    expect(await rows(w, "SELECT count(*)::INT AS n FROM events WHERE source = 'workflow'")).toEqual([
      { n: 0 },
    ]);
  });
});

const transfer = (id: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({
    kind: 'transfer',
    requestedBy: 'replenishment',
    action: { type: 'transfer', transfer: { transfer_id: id, to_node_id: 'ST', ...fields }, ...extra },
  }) as ApprovalRequestInput;

describe('transfer requests: the sender’s moving-average cost', () => {
  it('values at the average, else the item cost; refuses claimed unit values and unknown nodes', async () => {
    const w = await world();
    // the probe: 1000 units at 182.5 are 182,500 (two approvals), whatever unit value is claimed
    expect(
      await requestApproval(w, transfer('TR-1', { from_node_id: 'DC', sku: 'T', qty: 1000 })),
    ).toMatchObject({
      status: 'pending',
      amount: 182500,
      requiredApprovals: 2,
      rule: 'transfer value 182500 above 100000: two approvals (qty × the moving-average cost 182.5 at DC)',
    });
    for (const claim of [{ unit_value: 0 }, { unit_value: -5 }, { value: 0 }, { total_value: 1 }]) {
      await refused(
        requestApproval(w, transfer('TR-2', { from_node_id: 'DC', sku: 'T', qty: 999 }, claim)),
        new RegExp(`${Object.keys(claim)[0]} not accepted`),
      );
    }
    // no position at the sender: the item's cost (150)
    expect(
      await requestApproval(
        w,
        transfer('TR-3', { from_node_id: 'ST', to_node_id: 'DC', sku: 'T', qty: 100 }),
      ),
    ).toMatchObject({ amount: 15000, requiredApprovals: 1 });
    await refused(
      requestApproval(w, transfer('TR-4', { from_node_id: 'XX', sku: 'T', qty: 1 })),
      /node XX is unknown to the warehouse/,
    );
    await refused(
      requestApproval(w, transfer('TR-5', { from_node_id: 'DC', to_node_id: 'YY', sku: 'T', qty: 1 })),
      /node YY is unknown/,
    );
    await refused(
      requestApproval(w, transfer('TR-6', { from_node_id: 'DC', sku: 'NOPE', qty: 1 })),
      /sku NOPE is unknown/,
    );
  });
});

const purchase = (
  poId: string,
  lines: { sku: string; qty: number; unit_cost: number }[],
  requestId?: string,
) =>
  ({
    ...(requestId ? { requestId } : {}),
    kind: 'purchase_order',
    requestedBy: 'replenishment',
    action: {
      type: 'po_created',
      po: {
        po_id: poId,
        supplier_id: 'SUP',
        node_id: 'DC',
        expected_at: '2024-01-20',
        lines: lines.map((line, i) => ({ line_id: String(i + 1), ...line })),
      },
    },
  }) as ApprovalRequestInput;

describe('purchase requests: never below the item cost', () => {
  it('values claimed cheap lines at the item cost, keeps dearer ones, and adds up lines and earlier events', async () => {
    const w = await world();
    const app = 'SKU-APP-00001'; // item cost 40
    const cases: [string, { sku: string; qty: number; unit_cost: number }[], number, number][] = [
      ['PO-CHEAP', [{ sku: app, qty: 1000, unit_cost: 1 }], 40000, 1], // claimed 1,000
      ['PO-DEAR', [{ sku: app, qty: 100, unit_cost: 60 }], 6000, 1], // the PO's own dearer cost
      ['PO-SMALL', [{ sku: app, qty: 100, unit_cost: 40 }], 4000, 0],
      [
        'PO-LINES', // 2,000 units split over 20 lines at a claimed 0.5
        Array.from({ length: 20 }, () => ({ sku: app, qty: 100, unit_cost: 0.5 })),
        80000,
        2,
      ],
    ];
    const got = [];
    for (const [poId, lines] of cases) {
      const result = await requestApproval(w, purchase(poId, lines));
      got.push([poId, result.amount, result.requiredApprovals]);
    }
    expect(got).toEqual(cases.map(([poId, , amount, approvals]) => [poId, amount, approvals]));
    // PO-SMALL landed at once; a second request under the same po_id is judged with it (4,000 + 4,000),
    // whether the ledger has applied the first one yet (its tables) or not (the log after its watermark)
    for (const requestId of ['more-before-refresh', 'more-after-refresh']) {
      if (requestId === 'more-after-refresh') await refreshLedger(w);
      const more = await requestApproval(
        w,
        purchase('PO-SMALL', [{ sku: app, qty: 100, unit_cost: 40 }], requestId),
      );
      expect(more, requestId).toMatchObject({ amount: 8000, requiredApprovals: 1 });
      expect(more.rule).toContain('with 4000 ordered under PO-SMALL before');
    }
    await refused(
      requestApproval(w, purchase('PO-X', [{ sku: 'NOPE', qty: 1, unit_cost: 1 }])),
      /Cannot value this purchase_order request: sku NOPE is unknown/,
    );
    await refused(
      requestApproval(w, purchase('PO-Y', [{ sku: app, qty: 1, unit_cost: -1 }])),
      /po_created is not valid/,
    );
  });
});

describe('raw events: the same amounts, per event', () => {
  const raw = (index: number, type: string, fields: Record<string, unknown>, day = 9): RawEvent => ({
    index,
    eventId: `raw-${index}`,
    type,
    occurredAt: new Date(at(day)).toISOString(),
    body: { event_id: `raw-${index}`, type, occurred_at: at(day), ...fields },
  });
  const judge = async (w: Warehouse, events: RawEvent[]) =>
    (await policyRefusals(warehouseReader(w), events, { now: at(10) })).map((r) => [r.index, r.code]);

  it('judges prices per channel, item cost and price cuts, and shipments with what landed before', async () => {
    const w = await world();
    const ship = (index: number, qty: number, id = 'TR-RAW') =>
      raw(index, 'transfer_shipped', {
        transfer_id: id,
        from_node_id: 'DC',
        to_node_id: 'ST',
        sku: 'T',
        qty,
      });
    expect(
      await judge(w, [
        raw(0, 'price_changed', { sku: 'P', channel_id: 'WEB', price: 45, reason: 'markdown' }), // 10 % of 50
        raw(1, 'price_changed', { sku: 'P', price: 45, reason: 'markdown' }), // 43.75 % of 80
        raw(2, 'price_changed', { sku: 'P', price: 120, reason: 'promotion' }), // a rise
        raw(3, 'price_changed', { sku: 'Q', channel_id: 'WEB', price: 9, reason: 'regular' }, 3), // backdated
        raw(4, 'item_upserted', { sku: 'P', name: 'P', category: 'c', unit_cost: 50, list_price: 85 }), // 15 %
        raw(5, 'item_upserted', { sku: 'P', name: 'P', category: 'c', unit_cost: 20, list_price: 100 }), // cost −60 %
        raw(6, 'item_upserted', { sku: 'NEW', name: 'N', category: 'c', unit_cost: 1, list_price: 2 }), // new item
        ship(7, 50), // 9,125 at 182.5
        ship(8, 10), // 9,125 + 1,825 > 10,000: refused
        raw(9, 'transfer_shipped', {
          transfer_id: 'TR-X',
          from_node_id: 'XX',
          to_node_id: 'ST',
          sku: 'T',
          qty: 1,
        }),
      ]),
    ).toEqual([
      [1, 'approval_required'],
      [3, 'approval_required'],
      [5, 'approval_required'],
      [8, 'approval_required'],
      [9, 'cannot_value'],
    ]);
    // the 50 units land (9,125), then the ledger applies them: 4 more under the same id stay within 10,000, 5 do not
    await land(w, [ship(7, 50).body]);
    expect(await judge(w, [ship(10, 4)])).toEqual([]);
    expect(await judge(w, [ship(10, 5)])).toEqual([[10, 'approval_required']]);
    await refreshLedger(w);
    expect(await judge(w, [ship(10, 4)])).toEqual([]);
    expect(await judge(w, [ship(10, 5)])).toEqual([[10, 'approval_required']]);
    // resending the landed event itself is judged as itself, not on top of itself
    expect(await judge(w, [{ ...ship(7, 50), eventId: 'raw-7' }])).toEqual([]);
  });
});
