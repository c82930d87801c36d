/**
 * "Made to be acted on": what the CLI prints a person can read (rounded figures, whole packs, no Infinity,
 * no 16-digit floats) and act on — every id one command prints is taken by the next one. Each test reads
 * ids from a command's table output, the way a person copies them, and feeds them to the next command.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { getRecommendation } from '../../src/replenishment/store.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { rawNumbers, tableRows } from '../helpers/readable.ts';
import { ingest, REPO_ROOT, runMain, STACK_FRAME, toJsonl, useTempDir } from '../helpers/retailos.ts';
import { world } from '../sql/replenishment-fixtures.ts';
import { at, EventFactory, land } from '../unit/ledger/fixtures.ts';

const tmp = useTempDir();

/**
 * The replenishment world, made awkward: A comes in packs of 5 (its transfer of 17 is 3 packs + 2 loose; the
 * store it goes to buys from no supplier), B costs 600 a unit (its purchase order needs an approval).
 */
async function replenishmentWarehouse(): Promise<string> {
  const w = await tmp.open();
  const f = new EventFactory();
  await land(w, [
    ...world(f),
    f.item('A', 2, 5, at(1, 1), { supplier_id: 'S1', pack_size: 5 }),
    f.item('B', 600, 900, at(1, 1), { supplier_id: 'S1', pack_size: 6, moq: 12 }),
  ]);
  await refreshLedger(w);
  await w.close();
  return tmp.join('warehouse.duckdb');
}

describe('replenishment, for people', () => {
  it('plan → list → explain reads rounded; the printed ids are approved, explained and audited', async () => {
    const db = await replenishmentWarehouse();
    const plan = await runMain(['replenish', 'plan', '--db', db]);
    expect(plan.status, plan.stderr).toBe(0);

    const list = await runMain(['replenish', 'list', '--status', 'proposed', '--db', db]);
    const recs = tableRows(list.stdout);
    expect(recs.map((r) => [r.kind, r.node_id, r.qty, r.cost])).toEqual([
      ['purchase_order', 'DC', '12', '$7,200.00'],
      // ST1 sells 2 a day over the last 28 days of the 56-day window: the plan's seasonal ratio reads that level
      // (2 a day), where the window's flat mean (1 a day) would count the days before its sales began
      ['transfer', 'ST1', '17', '$2.85'],
    ]);
    const [po, transfer] = recs.map((r) => r.recommendation_id!);

    for (const id of [po!, transfer!]) {
      const explain = await runMain(['replenish', 'explain', id, '--db', db]);
      expect(explain.status).toBe(0);
      expect(rawNumbers(explain.stdout)).toEqual([]);
      expect(explain.stdout).not.toMatch(/\d\.\d+ packs|Infinity/);
      expect(explain.stdout.split('\n').length).toBeLessThan(20);
    }
    const transferText = await runMain(['replenish', 'explain', transfer!, '--db', db]);
    expect(transferText.stdout).toMatch(
      /^Transfer 17 units of 1 SKU from ST2 for ST1, freight \$2\.85, arriving about 2024-01-30/m,
    );
    const [row] = tableRows(transferText.stdout.split('\n').slice(2).join('\n'));
    expect(row).toMatchObject({
      sku: 'A',
      units: '17',
      packs: '3 × 5 + 2',
      'lead time': '1 d',
      'at risk': '$130.00',
    });

    // One line in full: its why (no "Infinity d" for a store no supplier delivers to) and a whole-unit curve.
    const line = await runMain(['replenish', 'explain', transfer!, '--sku', 'A', '--db', db]);
    expect(line.stdout).toMatch(/\(3 packs of 5 \+ 2 loose\)/);
    expect(line.stdout).toMatch(/1 d in transit \(no supplier delivers to this node\)/);
    expect(rawNumbers(line.stdout)).toEqual([]);
    const curve = tableRows(line.stdout.slice(line.stdout.indexOf('day ')));
    expect(curve.length).toBeGreaterThan(5);
    for (const point of curve) expect(point.without).toMatch(/^-?[\d,]+$/);
    const missing = await runMain(['replenish', 'explain', transfer!, '--sku', 'NOPE', '--db', db]);
    expect(missing.stderr).toMatch(/has no line for NOPE; its SKUs: A\./);

    // The API reads the same stored texts: rounded too, with the exact numbers beside them.
    const w = await Warehouse.open(db, { readOnly: true });
    try {
      for (const id of [po!, transfer!]) {
        const stored = (await getRecommendation(w, id))!;
        expect(rawNumbers(stored.explanation)).toEqual([]);
        for (const l of stored.lines) expect(rawNumbers(l.why)).toEqual([]);
      }
      expect((await getRecommendation(w, transfer!))!.lines[0]!.levels.safetyStock).not.toBe(
        Math.round((await getRecommendation(w, transfer!))!.lines[0]!.levels.safetyStock),
      );
    } finally {
      await w.close();
    }

    // The purchase order waits for an approval: approvals list prints the same id, and approve takes it.
    const approvals = tableRows(
      (await runMain(['approvals', 'list', '--status', 'pending', '--db', db])).stdout,
    );
    expect(approvals.map((a) => a.request_id)).toEqual([po]);
    const approve = await runMain([
      'approvals',
      'approve',
      po!,
      '--reason',
      'ok',
      '--actor',
      'ana',
      '--role',
      'finance',
      '--db',
      db,
    ]);
    expect(approve.status, approve.stderr).toBe(0);
    const after = await runMain(['replenish', 'explain', po!, '--db', db]);
    const ref = /\((PO-[^)]+)\)/.exec(after.stdout.split('\n')[0]!)?.[1];
    expect(ref).toBe(`PO-${po}`);
    const audit = tableRows((await runMain(['audit', 'po', ref!, '--db', db])).stdout);
    expect(audit.map((e) => e.type)).toContain('po_created');
    const approvalAudit = tableRows((await runMain(['audit', 'approval', po!, '--db', db])).stdout);
    expect(approvalAudit.map((e) => e.type)).toEqual(
      expect.arrayContaining(['approval_requested', 'approval_decided']),
    );
    // And replenish approve takes the transfer's id from the list.
    const approveTransfer = await runMain(['replenish', 'approve', transfer!, '--reason', 'ok', '--db', db]);
    expect(approveTransfer.stdout).toMatch(new RegExp(`^${transfer}: (approved|ordered)`));
  });

  it('a policy config that is missing or not JSON is a clear error, not a raw one', async () => {
    const db = await replenishmentWarehouse();
    const missing = await runMain(['replenish', 'plan', '--config', tmp.join('nope.json'), '--db', db]);
    expect(missing.stderr).toMatch(/No policy config .*nope\.json: the file does not exist\./);
    expect(missing.stderr).not.toMatch(/ENOENT|STACK/);
    const broken = await runMain(['replenish', 'plan', '--config', tmp.write('bad.json', '{'), '--db', db]);
    expect(broken.stderr).toMatch(/bad\.json is not valid JSON/);
    expect(broken.stderr).not.toMatch(STACK_FRAME);
  });
});

/** The hand-written demo retailer plus orders no node can serve (a new sku nobody stocks): backorders. */
async function allocationWarehouse(): Promise<string> {
  const w = await tmp.open();
  await ingest(w, [`${REPO_ROOT}/data/demo`]);
  const extra = tmp.write(
    'extra.jsonl',
    toJsonl([
      {
        event_id: 'x-item',
        type: 'item_upserted',
        occurred_at: '2025-01-30T09:00:00Z',
        sku: 'SKU-NEW-1',
        name: 'Brand-new lamp',
        category: 'home',
        unit_cost: 10,
        list_price: 25,
      },
      ...['X-1', 'X-2'].map((order_id, i) => ({
        event_id: `x-${order_id}`,
        type: 'order_placed',
        occurred_at: `2025-01-31T09:0${i}:00Z`,
        order_id,
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [{ line_id: '1', sku: 'SKU-NEW-1', qty: 2, unit_price: 25 }],
      })),
    ]),
  );
  await ingest(w, [extra]);
  await w.close();
  return tmp.join('warehouse.duckdb');
}

describe('allocation exceptions, acted on', () => {
  it('the exception ids allocate prints are taken by exceptions ack|resolve and by audit', async () => {
    const db = await allocationWarehouse();
    const run = await runMain(['allocate', '--format', 'json', '--db', db]);
    expect(run.status, run.stderr).toBe(0);
    const allocatorIds = (JSON.parse(run.stdout).exceptions as { exceptionId: string; orderId: string }[])
      .filter((e) => e.orderId.startsWith('X-'))
      .map((e) => e.exceptionId);
    expect(allocatorIds).toEqual(expect.arrayContaining(['backorder:X-1:1', 'backorder:X-2:1']));

    // allocate --explain: the table's ids are the queue's, and `exceptions ack` takes them.
    const explain = await runMain(['allocate', '--explain', 'X-1', '--db', db]);
    expect(explain.status, explain.stderr).toBe(0);
    const printed = tableRows(explain.stdout.slice(explain.stdout.indexOf('\nexceptions\n') + 12));
    const backorder = printed.find((e) => e.exception_type === 'backorder')!;
    expect(backorder).toMatchObject({ line_id: '1', status: 'open' });
    const ack = await runMain(['exceptions', 'ack', backorder.exception_id!, '--note', 'on it', '--db', db]);
    expect(ack.stderr).toBe('');
    expect(ack.stdout).toBe(`Exception ${backorder.exception_id} is now acknowledged.\n`);
    const again = tableRows(
      (await runMain(['allocate', '--explain', 'X-1', '--db', db])).stdout.split('\nexceptions\n')[1]!,
    );
    expect(again.find((e) => e.exception_id === backorder.exception_id)?.status).toBe('acknowledged');
    const history = tableRows(
      (await runMain(['audit', 'exception', backorder.exception_id!, '--db', db])).stdout,
    );
    expect(history.map((e) => e.type)).toEqual(['exception_opened', 'exception_acknowledged']);

    // The allocator's own id (JSON output, the API) names the same queue exception.
    const resolve = await runMain([
      'exceptions',
      'resolve',
      'backorder:X-2:1',
      '--code',
      'accepted',
      '--db',
      db,
    ]);
    expect(resolve.status, resolve.stderr).toBe(0);
    const queueId = /^Exception (\S+) is now resolved\.$/m.exec(resolve.stdout)?.[1];
    expect(queueId).toMatch(/^[0-9a-f]{32}$/);
    const listed = JSON.parse(
      (
        await runMain([
          'exceptions',
          'list',
          '--order',
          'X-2',
          '--status',
          'all',
          '--format',
          'json',
          '--db',
          db,
        ])
      ).stdout,
    ) as { exception_id: string; exception_type: string; status: string }[];
    expect(listed.find((e) => e.exception_type === 'backorder')).toMatchObject({
      exception_id: queueId,
      status: 'resolved',
    });
    // Acting twice through either id is the same exception: a resolved one cannot be resolved again.
    const twice = await runMain(['exceptions', 'resolve', queueId!, '--db', db]);
    expect(twice.status).not.toBe(0);
    expect(twice.stderr).not.toMatch(/No exception/);

    // Money in the explanation reads as money.
    expect(rawNumbers(explain.stdout)).toEqual([]);
  });
});

describe('rejects and keys, acted on', () => {
  it('the reject ids list prints are taken by retry (as arguments or --id) and export', async () => {
    const db = tmp.join('warehouse.duckdb');
    await (await tmp.open()).close();
    const good = {
      event_id: 'r-1',
      type: 'receipt',
      occurred_at: '2025-03-01T08:00:00Z',
      node_id: 'DC-1',
      sku: 'SKU-1',
      qty: 10,
      unit_cost: 2.5,
    };
    const file = tmp.write(
      'in.jsonl',
      toJsonl([
        { ...good, qty: -1 },
        { ...good, event_id: 'r-2', qty: 'x' },
      ]),
    );
    await runMain(['ingest', file, '--db', db]);
    const rejects = tableRows((await runMain(['rejects', 'list', '--db', db])).stdout);
    const [first, second] = rejects.map((r) => r.reject_id!);
    expect(rejects).toHaveLength(2);

    // Still invalid, but the id was taken: retried 1.
    const retry = await runMain(['rejects', 'retry', first!, '--db', db]);
    expect(retry.stdout).toMatch(/^retried 1: resolved 0, still invalid 1/);
    const unknown = await runMain(['rejects', 'retry', '999', '--db', db]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/No open reject 999/);
    const notAnId = await runMain(['rejects', 'retry', 'abc', '--db', db]);
    expect(notAnId.stderr).toMatch(/reject id is a positive whole number/);

    // export the id, correct it, retry from the file: resolved, and still listed by its id.
    const out = tmp.join('fix.jsonl');
    await runMain(['rejects', 'export', '--id', second!, '--out', out, '--db', db]);
    const exported = JSON.parse(fs.readFileSync(out, 'utf8').trim()) as { input: Record<string, unknown> };
    fs.writeFileSync(out, `${JSON.stringify({ ...exported, input: { ...exported.input, qty: 3 } })}\n`);
    const fixed = await runMain(['rejects', 'retry', '--from', out, '--db', db]);
    expect(fixed.stdout).toMatch(/resolved 1/);
    const shown = tableRows((await runMain(['rejects', 'list', second!, '--db', db])).stdout);
    expect(shown).toEqual([expect.objectContaining({ reject_id: second, status: 'resolved' })]);
  });

  it('keys revoke takes the key id keys list prints, or the key itself', async () => {
    const db = tmp.join('warehouse.duckdb');
    await (await tmp.open()).close();
    const one = await runMain(['keys', 'create', '--role', 'planner', '--name', 'one', '--db', db]);
    const two = await runMain(['keys', 'create', '--role', 'analyst', '--name', 'two', '--db', db]);
    const listed = tableRows((await runMain(['keys', 'list', '--db', db])).stdout);
    const idOf = (name: string) => listed.find((k) => k.name === name)!.key_id!;
    expect(one.stderr).toContain(`Created key ${idOf('one')}`);
    expect((await runMain(['keys', 'revoke', idOf('one'), '--db', db])).stdout).toBe(
      `Revoked key ${idOf('one')}.\n`,
    );
    expect((await runMain(['keys', 'revoke', two.stdout.trim(), '--db', db])).stdout).toBe(
      `Revoked key ${idOf('two')}.\n`,
    );
    const after = tableRows((await runMain(['keys', 'list', '--db', db])).stdout);
    expect(after.map((k) => k.status)).toEqual(['revoked', 'revoked']);
  });
});
