/**
 * The workflow CLI on the hand-written demo retailer: exceptions list/ack/assign/resolve, approvals
 * request/approve/reject, returns list/grade — each a real warehouse file opened by the command.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.ts';
import { approvalsCommand } from '../../src/cli/commands/approvals.ts';
import { exceptionsCommand } from '../../src/cli/commands/exceptions.ts';
import { returnsCommand } from '../../src/cli/commands/returns.ts';
import { settingsCommand } from '../../src/cli/commands/settings.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { runCli } from '../helpers/cli.ts';
import { ingest, REPO_ROOT, STACK_FRAME, toJsonl, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();
const DEMO = path.join(REPO_ROOT, 'data', 'demo');

/** The event log's size and last sequence number: what a listing must leave as it found it. */
async function logState(db: string): Promise<{ events: number; maxSeq: number }> {
  const warehouse = await Warehouse.open(db, { readOnly: true });
  try {
    const row = await warehouse.one<{ n: bigint; s: bigint }>(
      'SELECT count(*) AS n, coalesce(max(seq), 0) AS s FROM event_log',
    );
    return { events: Number(row!.n), maxSeq: Number(row!.s) };
  } finally {
    await warehouse.close();
  }
}

const run = (command: Command, argv: string[]) => runCli(command, argv, { USER: 'tester' });

describe('workflow CLI', () => {
  it('exceptions, approvals and returns from the command line', async () => {
    const db = tmp.join('demo.duckdb');
    const extra = tmp.write(
      'extra.jsonl',
      toJsonl([
        {
          event_id: 'cli-ret-1',
          type: 'return_received',
          occurred_at: '2025-03-01T10:00:00Z',
          return_id: 'RMA-CLI',
          node_id: 'RC-01',
          sku: 'SKU-APP-001',
          qty: 2,
          reason: 'too big',
        },
      ]),
    );
    const warehouse = await Warehouse.open(db);
    await ingest(warehouse, [DEMO, extra]);
    await refreshLedger(warehouse);
    await warehouse.close();
    const withDb = (argv: string[]) => [...argv, '--db', db];
    // the retailer's own time: actions below are dated up to 2025-03-02 04:00, never after the clock
    expect((await run(settingsCommand, withDb(['clock', '2025-03-03']))).status).toBe(0);

    // exceptions: a listing only reads (the conditions show untracked, the log is untouched) …
    const before = await logState(db);
    const untracked = await run(
      exceptionsCommand,
      withDb(['list', '--format', 'json', '--now', '2025-03-02T00:00:00Z']),
    );
    expect(untracked.status, untracked.stderr).toBe(0);
    const conditions = JSON.parse(untracked.stdout) as { tracked: boolean }[];
    expect(conditions.length).toBeGreaterThan(0);
    expect(conditions.every((item) => !item.tracked)).toBe(true);
    expect(await logState(db)).toEqual(before);
    // … `sync` writes (as of --now, never after the clock), and the list orders the queue by priority
    const late = await run(exceptionsCommand, withDb(['sync', '--now', '2025-03-04T00:00:00Z']));
    expect(late.status).toBe(2);
    expect(late.stderr).toContain('--now 2025-03-04T00:00:00.000Z is after the business clock');
    expect(await logState(db)).toEqual(before);
    const synced = await run(exceptionsCommand, withDb(['sync', '--now', '2025-03-02T00:00:00Z']));
    expect(synced.stdout).toMatch(
      /^Synced at 2025-03-02T00:00:00.000Z \(pinned with retailos settings clock\): \d+ opened/,
    );
    const listed = await run(
      exceptionsCommand,
      withDb(['list', '--format', 'json', '--now', '2025-03-02T00:00:00Z']),
    );
    expect(listed.status, listed.stderr).toBe(0);
    const items = JSON.parse(listed.stdout) as {
      exception_id: string;
      priority: number;
      tracked: boolean;
      owner_role: string;
    }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.tracked)).toBe(true);
    const priorities = items.map((item) => item.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    const target = items.find((item) => item.owner_role !== 'admin') ?? items[0]!;
    const ack = await run(
      exceptionsCommand,
      withDb([
        'ack',
        target.exception_id,
        '--actor',
        'pia',
        '--role',
        'admin',
        '--at',
        '2025-03-02T01:00:00Z',
      ]),
    );
    expect(ack.stdout).toBe(`Exception ${target.exception_id} is now acknowledged.\n`);
    const again = await run(
      exceptionsCommand,
      withDb(['ack', target.exception_id, '--at', '2025-03-02T02:00:00Z']),
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/Cannot acknowledge exception .*: it is acknowledged/);
    expect(again.stderr).not.toMatch(STACK_FRAME);
    const assign = await run(
      exceptionsCommand,
      withDb(['assign', target.exception_id, '--to', 'sam', '--at', '2025-03-02T03:00:00Z']),
    );
    expect(assign.status, assign.stderr).toBe(0);
    const resolve = await run(
      exceptionsCommand,
      withDb([
        'resolve',
        target.exception_id,
        '--code',
        'false_alarm',
        '--note',
        'checked',
        '--at',
        '2025-03-02T04:00:00Z',
      ]),
    );
    expect(resolve.stdout).toContain('is now resolved');
    const resolved = JSON.parse(
      (await run(exceptionsCommand, withDb(['list', '--status', 'resolved', '--format', 'json']))).stdout,
    ) as { exception_id: string; assignee: string; resolution_code: string; tracked: boolean }[];
    expect(resolved.filter((row) => row.tracked)).toMatchObject([
      { exception_id: target.exception_id, assignee: 'sam', resolution_code: 'false_alarm' },
    ]);
    // the others are episodes that cleared by themselves: exceptions are a history (docs/ledger.md)
    expect(resolved.filter((row) => !row.tracked).every((row) => row.resolution_code === null)).toBe(true);
    // people read money, times and durations in the human formats, and how to act on the first one
    const open = JSON.parse(
      (await run(exceptionsCommand, withDb(['list', '--format', 'json', '--now', '2025-03-02T05:00:00Z'])))
        .stdout,
    ) as { exception_id: string; revenue_at_risk: number }[];
    const queueTable = (await run(exceptionsCommand, withDb(['list', '--now', '2025-03-02T05:00:00Z'])))
      .stdout;
    expect(queueTable.split('\n')[0]).toMatch(/^exception_id\s+type\s+severity\s+status\s+priority\s+owner/);
    expect(queueTable).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(queueTable).not.toMatch(/T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    const costly = open.find((item) => item.revenue_at_risk >= 1);
    if (costly !== undefined) expect(queueTable).toMatch(/\$[\d,]+\.\d\d/);
    expect(queueTable).toContain(`Act on one: retailos exceptions ack ${open[0]!.exception_id} `);
    // a resolved episode says when it cleared and how long it lasted; there is nothing left to act on
    const history = JSON.parse(
      (await run(exceptionsCommand, withDb(['list', '--status', 'resolved', '--format', 'json']))).stdout,
    ) as {
      exception_id: string;
      opened_at: string;
      cleared_at: string | null;
      duration_hours: number | null;
    }[];
    for (const row of history.filter((item) => item.cleared_at !== null)) {
      const hours = (Date.parse(row.cleared_at!) - Date.parse(row.opened_at)) / 3_600_000;
      expect(row.duration_hours).toBeCloseTo(hours, 1);
    }
    const historyTable = (await run(exceptionsCommand, withDb(['list', '--status', 'resolved']))).stdout;
    expect(historyTable.split('\n')[0]).toMatch(/\bcleared\s+lasted$/);
    expect(historyTable).not.toContain('Act on one');
    expect((await run(exceptionsCommand, withDb(['resolve', 'nope']))).stderr).toMatch(/No exception nope/);
    expect((await run(exceptionsCommand, withDb(['frobnicate']))).stderr).toMatch(
      /Unknown action "frobnicate"/,
    );

    // approvals: a request from a file, a planner's approval within limits
    const request = tmp.write(
      'po.json',
      JSON.stringify({
        kind: 'purchase_order',
        action: {
          type: 'po_created',
          po: {
            po_id: 'PO-CLI',
            supplier_id: 'SUP-NORTHWIND',
            node_id: 'DC-EAST',
            expected_at: '2025-03-10',
            lines: [{ line_id: '1', sku: 'SKU-APP-001', qty: 1000, unit_cost: 12 }],
          },
        },
        recommendation: { source: 'cli test' },
      }),
    );
    const asked = await run(
      approvalsCommand,
      withDb(['request', '--file', request, '--actor', 'rita', '--at', '2025-03-02T00:00:00Z']),
    );
    expect(asked.stdout).toContain('apr-po-PO-CLI: purchase order $12,000.00 is pending (0/1 approvals');
    const own = await run(
      approvalsCommand,
      withDb(['approve', 'apr-po-PO-CLI', '--reason', 'ok', '--actor', 'rita', '--role', 'planner']),
    );
    expect(own.stderr).toMatch(/segregation of duties/);
    expect(
      (await run(approvalsCommand, withDb(['approve', 'apr-po-PO-CLI', '--actor', 'pia']))).stderr,
    ).toMatch(/--reason/);
    const approved = await run(
      approvalsCommand,
      withDb([
        'approve',
        'apr-po-PO-CLI',
        '--reason',
        'spring',
        '--actor',
        'pia',
        '--role',
        'planner',
        '--at',
        '2025-03-02T01:00:00Z',
      ]),
    );
    expect(approved.stdout).toContain('is approved (1/1 approvals');
    expect(approved.stdout).toContain('events: wf-act-apr-po-PO-CLI');
    // a markdown is judged from the warehouse's price (list 29.9 → 2.99 is a 90 % cut), not a claimed one
    const claim = (extra: Record<string, unknown>) =>
      tmp.write(
        'md.json',
        JSON.stringify({
          kind: 'markdown',
          action: { type: 'price_changed', price: { sku: 'SKU-APP-001', price: 2.99 }, ...extra },
        }),
      );
    const claimed = await run(approvalsCommand, withDb(['request', '--file', claim({ current_price: 3.1 })]));
    expect([claimed.status, claimed.stderr]).toEqual([
      2,
      expect.stringMatching(/current_price not accepted/),
    ]);
    const honest = await run(approvalsCommand, withDb(['request', '--file', claim({}), '--actor', 'rita']));
    expect(honest.stdout).toMatch(
      /markdown \$26\.91 \(90%\) is pending \(0\/2 approvals; .*from the list price\)/,
    );
    const table = await run(approvalsCommand, withDb(['list', '--status', 'approved', '--format', 'json']));
    expect(JSON.parse(table.stdout)).toMatchObject([{ request_id: 'apr-po-PO-CLI', requested_by: 'rita' }]);

    // returns: the ungraded queue, grading by condition
    const queue = JSON.parse((await run(returnsCommand, withDb(['list', '--format', 'json']))).stdout) as {
      return_id: string;
    }[];
    expect(queue.map((row) => row.return_id)).toContain('RMA-CLI');
    const graded = await run(
      returnsCommand,
      withDb(['grade', 'RMA-CLI', '--condition', 'opened', '--qty', '1', '--at', '2025-03-02T00:00:00Z']),
    );
    expect(graded.stdout).toBe(
      'Return RMA-CLI: 1 × SKU-APP-001 at RC-01 graded B, restock (1 left to grade).\n',
    );
    const bad = await run(returnsCommand, withDb(['grade', 'RMA-CLI', '--condition', 'soggy']));
    expect(bad.stderr).toMatch(/Unknown condition "soggy"/);
    const recovery = await run(returnsCommand, withDb(['recovery', '--format', 'csv']));
    expect(recovery.stdout.split('\n')[0]).toBe(
      'disposition,returns,units,cost_value,recovery_rate,recovery_value',
    );
  });
});
