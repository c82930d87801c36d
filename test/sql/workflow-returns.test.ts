import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { WorkflowError } from '../../src/workflow/errors.ts';
import { warehouseReader } from '../../src/workflow/exceptions.ts';
import {
  completeRefurbishment,
  defaultReturnsPolicy,
  gradeFor,
  gradeReturn,
  listReturns,
  recoveryByDisposition,
  refundLinkage,
  returnReasons,
} from '../../src/workflow/returns.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { at, type EventBody, EventFactory, land, pos, position, rows } from '../unit/ledger/fixtures.ts';
import { replayInto, workflowState } from './workflow-fixtures.ts';

const tmp = useTempDir();
const policy = defaultReturnsPolicy();

async function refused(work: Promise<unknown>, kind: string, message: RegExp) {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).kind).toBe(kind);
  expect((error as Error).message).toMatch(message);
}

describe('grading rules', () => {
  it('map condition → grade → disposition per category, with defaults', () => {
    expect(gradeFor(policy, 'apparel', 'opened')).toEqual({ grade: 'B', disposition: 'restock' });
    expect(gradeFor(policy, 'electronics', 'opened')).toEqual({ grade: 'B', disposition: 'refurbish' });
    expect(gradeFor(policy, 'electronics', 'defective')).toEqual({
      grade: 'D',
      disposition: 'return_to_vendor',
    });
    expect(gradeFor(policy, null, 'new')).toEqual({ grade: 'A', disposition: 'restock' });
    expect(() => gradeFor(policy, 'apparel', 'soggy')).toThrow(
      /Unknown condition "soggy": use one of new, opened/,
    );
  });
});

describe('returns workflow', () => {
  it('grades each disposition into the right positions and value; queue, reasons, recovery, refunds; replay', async () => {
    const w = await tmp.open();
    const f = new EventFactory();
    const reasons = ['too small', 'too small', 'damaged in transit', 'faulty', 'faulty'];
    const events: EventBody[] = [
      f.item('A', 4, 10),
      f.item('E', 50, 90, at(1), { category: 'electronics' }),
      f.node('DC'),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 4 }),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'E', qty: 2, unit_cost: 50 }),
      f.make('order_placed', at(3), {
        order_id: 'O1',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [{ line_id: '1', sku: 'A', qty: 5, unit_price: 10 }],
      }),
      f.make('shipped', at(3), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 5 }),
      ...reasons.map((reason, i) =>
        f.make('return_received', at(5), {
          return_id: `R${i + 1}`,
          order_id: 'O1',
          line_id: '1',
          node_id: 'DC',
          sku: 'A',
          qty: 1,
          reason,
        }),
      ),
      f.make('return_received', at(5), {
        return_id: 'RE',
        node_id: 'DC',
        sku: 'E',
        qty: 1,
        reason: 'faulty',
      }),
      f.make('refund_issued', at(6), { order_id: 'O1', line_id: '1', return_id: 'R1', amount: 10 }),
      f.make('refund_issued', at(6), { order_id: 'O1', return_id: 'R-NEVER', amount: 10 }),
      f.make('refund_issued', at(4), { order_id: 'O1', return_id: 'R2', amount: 10 }),
    ];
    await land(w, events);
    await refreshLedger(w);
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 5, returns_pending: 5, inventory_value: 40, avg_unit_cost: 4 }),
    );

    const queue = await listReturns(warehouseReader(w), { now: at(6) });
    expect(queue.map((r) => [r.return_id, r.ungraded_qty, r.age_hours])).toEqual([
      ['R1', 1, 24],
      ['R2', 1, 24],
      ['R3', 1, 24],
      ['R4', 1, 24],
      ['R5', 1, 24],
      ['RE', 1, 24],
    ]);

    const grade = (returnId: string, condition: string) =>
      gradeReturn(w, { returnId, condition, actor: 'wes', at: at(6) });
    expect(await grade('R1', 'new')).toMatchObject({
      grade: 'A',
      disposition: 'restock',
      qty: 1,
      ungradedLeft: 0,
    });
    expect(await grade('R2', 'damaged')).toMatchObject({ disposition: 'refurbish' });
    expect(await grade('R3', 'worn')).toMatchObject({ disposition: 'liquidate' });
    expect(await grade('R4', 'defective')).toMatchObject({ disposition: 'return_to_vendor' });
    expect(await grade('R5', 'unsalvageable')).toMatchObject({ disposition: 'write_off' });
    // the category's rule: opened electronics go to refurbishment
    expect(await grade('RE', 'opened')).toMatchObject({ grade: 'B', disposition: 'refurbish' });

    await refused(grade('R1', 'new'), 'invalid_transition', /Return R1 \(A\) is graded already/);
    await refused(grade('R9', 'new'), 'not_found', /No received return R9/);
    await refused(
      gradeReturn(w, { returnId: 'R1', grade: 'A', actor: 'wes' }),
      'invalid_transition',
      /graded already/,
    );

    await refreshLedger(w);
    // restock + liquidate back to sellable, refurbish to repair, vendor return and write-off out; at cost 4
    // (the units left the customer at the cost the order line shipped at)
    expect(await position(w, 'A', 'DC')).toEqual(
      pos({ sellable: 7, repair: 1, inventory_value: 32, avg_unit_cost: 4 }),
    );
    expect(
      await rows(
        w,
        `SELECT m.account, m.qty, m.value FROM ledger_movements m JOIN events e USING (event_id)
         WHERE e.type = 'return_graded' AND m.sku = 'A' AND m.side = 'counter' ORDER BY m.account`, // leaving stock
      ),
    ).toEqual([
      { account: 'vendor_return', qty: 1, value: 4 },
      { account: 'write_off', qty: 1, value: 4 },
    ]);

    await refused(
      completeRefurbishment(w, { nodeId: 'DC', sku: 'A', qty: 2, actor: 'wes', at: at(7) }),
      'invalid',
      /Only 1 units of A are in repair/,
    );
    await completeRefurbishment(w, { nodeId: 'DC', sku: 'A', qty: 1, actor: 'wes', at: at(7) });
    await refreshLedger(w);
    expect(await position(w, 'A', 'DC')).toEqual(pos({ sellable: 8, inventory_value: 32, avg_unit_cost: 4 }));
    expect(await listReturns(warehouseReader(w), { now: at(7) })).toEqual([]);

    expect(await recoveryByDisposition(warehouseReader(w))).toEqual([
      {
        disposition: 'liquidate',
        returns: 1,
        units: 1,
        cost_value: 4,
        recovery_rate: 0.4,
        recovery_value: 1.6,
      },
      {
        disposition: 'refurbish',
        returns: 2,
        units: 2,
        cost_value: 54,
        recovery_rate: 0.7,
        recovery_value: 37.8,
      },
      { disposition: 'restock', returns: 1, units: 1, cost_value: 4, recovery_rate: 1, recovery_value: 4 },
      {
        disposition: 'return_to_vendor',
        returns: 1,
        units: 1,
        cost_value: 4,
        recovery_rate: 0.9,
        recovery_value: 3.6,
      },
      { disposition: 'write_off', returns: 1, units: 1, cost_value: 4, recovery_rate: 0, recovery_value: 0 },
    ]);
    expect(
      (await returnReasons(warehouseReader(w))).map((r) => [
        r.reason,
        r.category,
        r.units,
        r.resold_units,
        r.lost_units,
      ]),
    ).toEqual([
      ['faulty', 'apparel', 2, 0, 2],
      ['too small', 'apparel', 2, 1, 0], // one restocked, one refurbished
      ['damaged in transit', 'apparel', 1, 1, 0], // liquidated
      ['faulty', 'electronics', 1, 0, 0],
    ]);
    expect(
      (await refundLinkage(warehouseReader(w))).map((r) => [r.return_id, r.refund_hours, r.flag]),
    ).toEqual([
      ['R2', -24, 'before_receipt'],
      ['R1', 24, null],
      ['R-NEVER', null, 'no_return_received'],
    ]);
    expect((await refundLinkage(warehouseReader(w), { flaggedOnly: true })).map((r) => r.return_id)).toEqual([
      'R2',
      'R-NEVER',
    ]);

    const replica = await tmp.open('replica.duckdb');
    await replayInto(w, replica);
    expect(await workflowState(replica)).toEqual(await workflowState(w));
  });
});
