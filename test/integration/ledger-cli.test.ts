import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.ts';
import { availabilityCommand } from '../../src/cli/commands/availability.ts';
import { exceptionsCommand } from '../../src/cli/commands/exceptions.ts';
import { positionsCommand } from '../../src/cli/commands/positions.ts';
import { refreshCommand } from '../../src/cli/commands/refresh.ts';
import { runAssertions } from '../../src/warehouse/assertions.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { runCli } from '../helpers/cli.ts';
import { ingest, REPO_ROOT, STACK_FRAME, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();
const DEMO = path.join(REPO_ROOT, 'data', 'demo');

/** Runs one command the way src/cli/main.ts does (typed flags, user errors → message + exit code). */
const run = (command: Command, argv: string[]) => runCli(command, argv);

/** The demo retailer landed in a fresh warehouse (closed again: the commands open it themselves). */
async function demoWarehouse(): Promise<string> {
  const db = tmp.join('demo.duckdb');
  const warehouse = await Warehouse.open(db);
  await ingest(warehouse, [DEMO]);
  await warehouse.close();
  return db;
}

describe('ledger on the demo retailer', () => {
  it('refreshes, and every sql/tests assertion holds (conservation, positions = movements, roll-forward)', async () => {
    const db = await demoWarehouse();
    const refreshed = await run(refreshCommand, ['--db', db, '--json']);
    expect(refreshed.status).toBe(0);
    expect(JSON.parse(refreshed.stdout)).toMatchObject({ mode: 'incremental', fromSeq: 0, events: 665 });

    const warehouse = await Warehouse.open(db, { readOnly: true });
    try {
      const results = await runAssertions(warehouse);
      expect(results.map((result) => result.name)).toEqual(
        expect.arrayContaining([
          'ledger_movements_balance',
          'ledger_positions_match_movements',
          'ledger_rollforward_balances',
          'ledger_running_balances',
        ]),
      );
      expect(results.filter((result) => result.violations.length > 0)).toEqual([]);
      // the demo is not trivial: stock, value, reservations, transfers in flight and returns
      const totals = await warehouse.one<Record<string, number | bigint>>(
        `SELECT sum(on_hand) AS on_hand, sum(reserved) AS reserved, sum(in_transit_in) AS in_transit,
                sum(on_order) AS on_order, sum(inventory_value) AS value, count(*) AS positions
         FROM inventory_positions`,
      );
      expect(Number(totals!.on_hand)).toBeGreaterThan(2000);
      expect(Number(totals!.reserved)).toBeGreaterThan(0);
      expect(Number(totals!.in_transit)).toBe(1);
      expect(Number(totals!.on_order)).toBeGreaterThan(0);
      const months = await warehouse.all<{ closing: number }>(
        "SELECT sum(closing_value) AS closing FROM mart_inventory_rollforward WHERE period_grain = 'month'",
      );
      expect(Number(months[0]!.closing)).toBeCloseTo(Number(totals!.value) + 12, 2); // + 1 unit in transit at 12
    } finally {
      await warehouse.close();
    }

    // a full rebuild gives the same positions
    const before = await run(positionsCommand, ['--db', db, '--format', 'json']);
    expect((await run(refreshCommand, ['--db', db, '--full'])).stdout).toMatch(/^Ledger rebuilt: 665 events/);
    expect((await run(positionsCommand, ['--db', db, '--format', 'json'])).stdout).toBe(before.stdout);
  });

  it('positions, availability and exceptions print tables, JSON and CSV; exceptions can be acknowledged', async () => {
    const db = await demoWarehouse();
    expect(await run(refreshCommand, ['--db', db])).toMatchObject({ status: 0, stderr: '' });

    const table = await run(positionsCommand, ['--db', db, '--sku', 'SKU-APP-001', '--node', 'DC-EAST']);
    expect(table).toMatchObject({ status: 0, stderr: '' });
    expect(table.stdout).toMatch(/^sku\s+node_id\s+sellable\s+reserved\s+available/);
    expect(table.stdout).toContain('(1 row)');

    const asOf = await run(positionsCommand, [
      '--db',
      db,
      '--sku',
      'SKU-APP-001',
      '--as-of',
      '2025-01-05',
      '--format',
      'json',
    ]);
    const early = JSON.parse(asOf.stdout) as { node_id: string; sellable: number; inventory_value: number }[];
    expect(early.find((row) => row.node_id === 'DC-EAST')).toMatchObject({
      sellable: 120,
      inventory_value: 1440,
    });

    const csv = await run(availabilityCommand, ['--db', db, '--channel', 'WEB', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'channel_id,sku,available,nodes_available,eligible_nodes,buffer_units,buffer_pct',
    );
    expect(csv.stdout.split('\n').filter((line) => line.startsWith('WEB,')).length).toBe(16);

    const listed = JSON.parse((await run(exceptionsCommand, ['--db', db, '--format', 'json'])).stdout) as {
      exception_id: string;
      exception_type: string;
      status: string;
    }[];
    const mismatch = listed.find((row) => row.exception_type === 'inventory_mismatch');
    expect(mismatch).toMatchObject({ status: 'open' });
    const ack = await run(exceptionsCommand, [
      '--db',
      db,
      '--ack',
      mismatch!.exception_id,
      '--note',
      'recount booked',
    ]);
    expect(ack.stdout).toContain('is now acknowledged');
    const after = JSON.parse(
      (await run(exceptionsCommand, ['--db', db, '--type', 'inventory_mismatch', '--format', 'json'])).stdout,
    ) as { status: string }[];
    expect(after).toMatchObject([{ status: 'acknowledged' }]);
  });

  it('user mistakes are one line and an exit code; a stale ledger is noted', async () => {
    const db = await demoWarehouse();
    const stale = await run(positionsCommand, ['--db', db, '--sku', 'nope']);
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/665 event\(s\) landed since the last refresh; run retailos refresh/);
    expect(stale.stdout).toContain('(0 rows)');

    for (const [command, argv, message] of [
      [positionsCommand, ['--as-of', 'yesterday-ish'], /--as-of takes a timestamp/],
      [positionsCommand, ['--format', 'xml'], /Unknown --format "xml"/],
      [exceptionsCommand, ['--type', 'fire'], /Unknown --type "fire"/],
      [exceptionsCommand, ['--resolve', 'no-such-id'], /No exception no-such-id/],
      [refreshCommand, ['--db', tmp.join('missing.duckdb')], /No warehouse at/],
    ] as const) {
      const result = await run(command, argv[0] === '--db' ? [...argv] : ['--db', db, ...argv]);
      expect(result.status, argv.join(' ')).toBeGreaterThan(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  });
});
