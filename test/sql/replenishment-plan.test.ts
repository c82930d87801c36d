import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { workflowApprovals } from '../../src/replenishment/approvals.ts';
import { exposure, planReplenishment } from '../../src/replenishment/service.ts';
import { listRecommendations } from '../../src/replenishment/store.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import type { ApprovalPolicy } from '../../src/workflow/policy.ts';
import { useTempDir } from '../helpers/retailos.ts';
import { EventFactory, land, plain, rows } from '../unit/ledger/fixtures.ts';
import { world } from './replenishment-fixtures.ts';

const tmp = useTempDir();

async function given(): Promise<Warehouse> {
  const w = await tmp.open();
  await land(w, world(new EventFactory()));
  await refreshLedger(w);
  return w;
}

describe('replenishment plan, exposure and lifecycle', () => {
  it('buys what the DC lacks (rounded to pack and MOQ) and moves excess store stock instead of buying', async () => {
    const w = await given();
    const summary = await planReplenishment(w, { config: { baselineDays: 28 } });
    expect([summary.demandSource, summary.autoApproved]).toEqual(['baseline', 1]);
    const recs = await listRecommendations(w);
    expect(
      recs.map((r) => [
        r.kind,
        r.supplier_id ?? r.from_node_id,
        r.node_id,
        r.qty,
        r.cost,
        r.expected_arrival,
        r.status,
      ]),
    ).toEqual([
      // B at DC: 1/day, lead 10 ± 2 (nominal, cv 0.2), review 7, class B/X 96% → z 1.750686, SS = z × √(1 × 4) = 3.50;
      // s = ⌈17 + 3.50⌉ = 21; position 12 → need 9 → MOQ 12 (2 packs of 6); 12 × 2 = 24; arrives day 29 + 10
      // 24 is within the approval policy's 5,000: approved at once, the PO landed
      ['purchase_order', 'S1', 'DC', 12, 24, '2024-02-08', 'ordered'],
      // A at ST1: 2/day, lead = DC lane 1 d, no spread → s = ⌈2 × 8⌉ = 16; position 4 → 12 from ST2
      // (172 available, keeps 8 weeks = 56): freight 2 + 0.05 × 12 = 2.6 < 24 to buy, 1 day
      ['transfer', 'ST2', 'ST1', 12, 2.6, '2024-01-30', 'proposed'],
    ]);
    const [po, transfer] = recs;
    expect(po!.lines[0]).toMatchObject({
      sku: 'B',
      abc: 'B',
      xyz: 'X',
      service_level: 0.96,
      daily_demand: 1,
      lead_time_source: 'nominal',
    });
    expect(po!.lines[0]!.levels.safetyStock).toBeCloseTo(3.501372, 5);
    expect(po!.lines[0]!.levels.reorderPoint).toBe(21);
    // without: 12 − 1/day runs out on day 29 + 13; with 12 more on day 39: not within the 24-day horizon
    expect(po!.lines[0]!.stockout_without).toBe('2024-02-11');
    expect(po!.lines[0]!.stockout_with).toBeNull();
    // no forecast: the window mean × the DC's seasonal change, 1 here — its total is a steady 2 a day over
    // exactly the 28 whole days (as_of − 28 d, as_of] (a window shifted by a day would hold a zero day)
    expect(po!.lines[0]!.why).toContain("demand from the last 28 days' mean × 1.00, DC's seasonal change");
    expect(po!.explanation).toMatch(/Buy 12 units of 1 SKU from supplier S1 for DC/);
    expect(po!.explanation).toMatch(/2 packs of 6, MOQ 12/);
    expect(transfer!.lines[0]!.curve.slice(0, 3)).toEqual([
      { day: '2024-01-29', without: 4, with: 4 },
      { day: '2024-01-30', without: 2, with: 14 },
      { day: '2024-01-31', without: 0, with: 12 },
    ]);
  });

  it("uses the active model's forecasts when they exist, and demand sensing's pace when it runs above plan", async () => {
    const w = await given();
    await w.run(`INSERT INTO forecast_runs VALUES (1, 'gbdt-v1', DATE '2024-01-29', 28, 1, now())`);
    // A at ST1: 3/day, an 80% interval of ±1.2816 → σ 1 per day
    await w.run(`INSERT INTO forecast_history
      SELECT 1, 'node', 'A', 'ST1', NULL, DATE '2024-01-29' + h::INTEGER, h, 3, 3 - 1.2815515655446004, 3, 3 + 1.2815515655446004
      FROM range(1, 29) t(h)`);
    // B at DC sells twice the plan: 28 units expected over the next 14 days
    await w.run(`INSERT INTO demand_signals (run_id, series_kind, sku, node_id, channel_id, window_start, window_end,
        actual_units, planned_units, upper_units, uplift_pct, promo_days, driver, next_demand, severity, cover_days)
      VALUES (1, 'node', 'B', 'DC', NULL, DATE '2024-01-23', DATE '2024-01-29', 14, 7, 9, 1.0, 7, 'promotion', 28, 'high', 14)`);
    const summary = await planReplenishment(w, { config: { baselineDays: 28, approvalRequests: 'none' } });
    expect(summary.demandSource).toBe('mixed');
    const [po, transfer] = await listRecommendations(w);
    // A at ST1: d 3, σ 1, P = 1 + 7; A/X 98% → z 2.053749; SS = 2.0537489 × 2.8284271 = 5.808879; s = ⌈24 + 5.81⌉ = 30;
    // position 4 → 26 from ST2, freight 2 + 0.05 × 26 = 3.3
    expect(transfer!.lines[0]).toMatchObject({
      sku: 'A',
      demand_source: 'forecast',
      daily_demand: 3,
      qty: 26,
    });
    expect(transfer!.lines[0]!.levels.safetyStock).toBeCloseTo(5.808879, 5);
    expect(transfer!.cost).toBeCloseTo(3.3, 9);
    // B at DC at the sensed 2/day: SS = 1.750686 × √(0 + 2² × 2²) = 7.0027; s = ⌈34 + 7.00⌉ = 42; 42 − 12 = 30 = 5 packs
    expect(po!.lines[0]).toMatchObject({ sku: 'B', daily_demand: 2, qty: 30 });
    expect(po!.explanation).toMatch(
      /Demand sensing: sales run 100% above plan \(promotion\), planned at 2\/day/,
    );
  });

  it('a slipped PO exposes its node, channels and open orders, with the revenue at risk', async () => {
    const w = await given();
    const found = (await exposure(w)).map((row) => plain(row) as Record<string, unknown>);
    // A at DC: 2 available, 1/day → out on Jan 31; P9 now due Feb 9 → 9 days short × 1 × 5 = 45
    expect(found).toEqual([
      expect.objectContaining({
        po_id: 'P9',
        sku: 'A',
        node_id: 'DC',
        reason: 'slipped',
        slip_days: 20,
        open_qty: 50,
        exposed: true,
        days_short: 9,
        revenue_at_risk: 45,
        channels: ['W'],
        open_orders: ['O1'],
      }),
    ]);
    expect(String(found[0]!.stockout_date)).toMatch(/^2024-01-31/);
    await planReplenishment(w, { config: { baselineDays: 28 } });
    expect(
      await rows(
        w,
        'SELECT exception_type, severity, sku, node_id, po_id, qty, value FROM replenishment_exceptions',
      ),
    ).toEqual([
      {
        exception_type: 'supplier_late_exposure',
        severity: 'high',
        sku: 'A',
        node_id: 'DC',
        po_id: 'P9',
        qty: 50,
        value: 45,
      },
    ]);
  });

  it('proposed → approved → ordered through the approval workflow; rejected stays rejected; decided ones cannot be decided again', async () => {
    const w = await given();
    // every amount needs one approval; planners may approve any amount
    const strict: ApprovalPolicy = {
      role_limits: { planner: { purchase_order: null, transfer: null } },
      purchase_order: { approval_above: 0, two_step_above: 1e9 },
      transfer: { approval_above: 0, two_step_above: 1e9 },
      markdown: { approval_above_pct: 20, two_step_above_pct: 50 },
      high_risk_order: {
        value_above: 1500,
        line_qty_above: 20,
        new_region_express: true,
        two_step_above: 10000,
      },
    };
    await planReplenishment(w, {
      config: { baselineDays: 28, approvalRequests: 'all' },
      approvalPolicy: strict,
    });
    const [po, transfer] = await listRecommendations(w);
    expect([po!.status, po!.approval_request_id, transfer!.status]).toEqual([
      'proposed',
      po!.recommendation_id,
      'proposed',
    ]);
    expect(
      await rows(
        w,
        'SELECT request_id, kind, status, requested_by FROM workflow_approvals ORDER BY request_id',
      ),
    ).toEqual([
      {
        request_id: po!.recommendation_id,
        kind: 'purchase_order',
        status: 'pending',
        requested_by: 'replenishment',
      },
      {
        request_id: `${transfer!.recommendation_id}-1`,
        kind: 'transfer',
        status: 'pending',
        requested_by: 'replenishment',
      },
    ]);
    const approvals = workflowApprovals(strict);
    const ordered = await approvals.approve(w, {
      id: po!.recommendation_id,
      actor: 'ana',
      role: 'planner',
      reason: 'ok',
    });
    expect([ordered.status, ordered.decided_by, ordered.ordered_ref]).toEqual([
      'ordered',
      'ana',
      `PO-${po!.recommendation_id}`,
    ]);
    expect(
      await rows(
        w,
        `SELECT payload->>'supplier_id' AS s, payload->>'node_id' AS n, payload->'lines'->0->>'qty' AS q FROM event_log WHERE type = 'po_created' AND (payload->>'po_id') = 'PO-${po!.recommendation_id}'`,
      ),
    ).toEqual([{ s: 'S1', n: 'DC', q: '12' }]);
    const rejected = await approvals.reject(w, {
      id: transfer!.recommendation_id,
      actor: 'ana',
      role: 'planner',
      reason: 'store closing',
    });
    expect(rejected.status).toBe('rejected');
    await expect(
      approvals.approve(w, { id: transfer!.recommendation_id, actor: 'bo', role: 'planner' }),
    ).rejects.toThrow(/is rejected/);
    await expect(approvals.approve(w, { id: 'nope', actor: 'bo', role: 'planner' })).rejects.toThrow(
      /No recommendation nope/,
    );
    // the ordered PO now counts as on order, so the next plan proposes the transfer again; a role without a
    // limit for transfers is refused by the workflow's policy
    await refreshLedger(w);
    await planReplenishment(w, {
      config: { baselineDays: 28, approvalRequests: 'all' },
      approvalPolicy: strict,
    });
    const [next] = await listRecommendations(w, { status: 'proposed' });
    expect(next!.kind).toBe('transfer');
    await expect(
      approvals.approve(w, { id: next!.recommendation_id, actor: 'cy', role: 'warehouse' }),
    ).rejects.toThrow();
    // a new plan supersedes what is still proposed (withdrawing its requests), never what was decided
    await planReplenishment(w, { config: { baselineDays: 28, approvalRequests: 'none' } });
    expect((await listRecommendations(w, { status: 'ordered' })).length).toBe(1);
    expect((await listRecommendations(w, { status: 'rejected' })).length).toBe(1);
    expect((await listRecommendations(w, { status: 'superseded' })).map((r) => r.kind)).toEqual(['transfer']);
    expect(
      await rows(
        w,
        `SELECT status FROM workflow_approvals WHERE request_id = '${next!.recommendation_id}-1'`,
      ),
    ).toEqual([{ status: 'cancelled' }]);
  });
});
