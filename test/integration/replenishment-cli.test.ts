import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { runMain, STACK_FRAME, useTempDir } from '../helpers/retailos.ts';
import { world } from '../sql/replenishment-fixtures.ts';
import { EventFactory, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

async function warehouse(): Promise<string> {
  const w = await tmp.open();
  await land(w, world(new EventFactory()));
  await refreshLedger(w);
  await w.close();
  return tmp.join('warehouse.duckdb');
}

describe('retailos replenish', () => {
  it('plan, list, explain, approve, suppliers, exposure', async () => {
    const db = await warehouse();
    const config = tmp.write('policy.json', JSON.stringify({ baselineDays: 28, approvalRequests: 'none' }));
    const plan = await runMain(['replenish', 'plan', '--config', config, '--db', db]);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/2 recommendations proposed/);
    const list = await runMain(['replenish', 'list', '--status', 'proposed', '--format', 'json', '--db', db]);
    const recs = JSON.parse(list.stdout) as { recommendation_id: string; kind: string; qty: number }[];
    expect(recs.map((r) => [r.kind, r.qty])).toEqual([
      ['purchase_order', 12],
      ['transfer', 12],
    ]);
    const explain = await runMain(['replenish', 'explain', recs[1]!.recommendation_id, '--db', db]);
    expect(explain.stdout).toMatch(/Transfer 12 units of 1 SKU from ST2 for ST1/);
    expect(explain.stdout).toMatch(/^A +12 +4 +16 +16 +2\/day +1 d +2024-02-01 /m); // one row per line
    const line = await runMain([
      'replenish',
      'explain',
      recs[1]!.recommendation_id,
      '--sku',
      'A',
      '--db',
      db,
    ]);
    expect(line.stdout).toMatch(/^A at ST1: stock 4 /m);
    expect(line.stdout).toMatch(/2024-01-30 +2 +14/); // the projected curve, without → with
    const approve = await runMain(
      ['replenish', 'approve', recs[0]!.recommendation_id, '--actor', 'ana', '--reason', 'ok', '--db', db],
      {},
    );
    expect(approve.stdout).toBe(
      `${recs[0]!.recommendation_id}: ordered (PO-${recs[0]!.recommendation_id})\n`,
    );
    const suppliers = await runMain(['replenish', 'suppliers', '--by-node', '--format', 'csv', '--db', db]);
    expect(suppliers.stdout.split('\n')[0]).toMatch(/^scope,supplier_id,supplier_name,node_id,/);
    const exposure = await runMain(['replenish', 'exposure', '--format', 'json', '--db', db]);
    expect(JSON.parse(exposure.stdout)).toMatchObject([{ po_id: 'P9', days_short: 9, revenue_at_risk: 45 }]);
  });

  it('simulate: both rules on a wide demand file, no warehouse needed', async () => {
    const days = 200;
    const header = ['id', 'item_id', 'dept_id', 'cat_id', 'store_id', 'state_id'];
    for (let d = 1; d <= days; d++) header.push(`d_${d}`);
    const rows = [0, 1, 2].map((i) =>
      [
        `I${i}_S`,
        `I${i}`,
        'D',
        'C',
        'S',
        'X',
        ...Array.from({ length: days }, (_, d) => ((d * (i + 3)) % 7) + i),
      ].join(','),
    );
    const sales = tmp.write('sales.csv', `${header.join(',')}\n${rows.join('\n')}\n`);
    const result = await runMain([
      'replenish',
      'simulate',
      '--sales',
      sales,
      '--days',
      '100',
      '--format',
      'json',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { rule: string; fill_rate: number }[];
    expect(out.map((r) => r.rule)).toEqual([
      'static reorder level',
      'retailos policy',
      'retailos policy, ABC/XYZ defaults',
    ]);
    expect(out[0]!.fill_rate).toBeGreaterThanOrEqual(0.95);
    expect(out[1]!.fill_rate).toBeGreaterThanOrEqual(0.95);
    const tooLong = await runMain(['replenish', 'simulate', '--sales', sales, '--days', '190']);
    expect(tooLong.stderr).toMatch(/a 190-day replay needs 274/);
  });

  it('clear errors: unknown verb, missing id, bad config, unknown recommendation', async () => {
    const db = await warehouse();
    const bad = tmp.write('bad.json', JSON.stringify({ serviceLevels: { A: { X: 2 } } }));
    for (const [args, message] of [
      [['replenish', 'nope'], /Use one of: retailos replenish plan\|list/],
      [['replenish', 'explain'], /needs a recommendation id/],
      [['replenish', 'plan', '--config', bad], /Invalid replenishment policy config: serviceLevels.A.X/],
      [['replenish', 'approve', 'nope'], /No recommendation nope/],
      [['replenish', 'list', '--status', 'maybe'], /Unknown --status "maybe"/],
    ] as const) {
      const result = await runMain([...args, '--db', db]);
      expect(result.status, args.join(' ')).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
    const help = await runMain(['replenish', '--help']);
    expect(help.stdout).toMatch(
      /Usage: retailos replenish <plan\|list\|explain\|approve\|reject\|suppliers\|exposure\|simulate>/,
    );
  });
});
