import fs from 'node:fs';
import path from 'node:path';
import { refreshLedger } from '../src/ledger/refresh.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import { writeLedgerEvents, writeLedgerMasterData } from './lib/ledger-events.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

const TMP = path.resolve(import.meta.dirname, 'tmp');
const START = '2024-01-01T00:00:00Z';

/**
 * The bare baseline of `ledger` (BENCHMARKS.md): one pass of SUM … FILTER … GROUP BY over the same events,
 * extracting sku, node and qty from the JSON payloads: on hand and reserved per (sku, node), materialized.
 */
const BARE_SQL = `
CREATE OR REPLACE TEMP TABLE bare_positions AS
SELECT payload->>'sku' AS sku,
       coalesce(payload->>'node_id', payload->>'to_node_id') AS node_id,
       coalesce(sum((payload->>'qty')::BIGINT) FILTER (WHERE type IN ('receipt', 'adjustment', 'transfer_received',
                                                                      'return_received')), 0)
         - coalesce(sum((payload->>'qty')::BIGINT) FILTER (WHERE type IN ('pos_sale', 'shipped')), 0) AS on_hand,
       coalesce(sum((payload->>'qty')::BIGINT) FILTER (WHERE type = 'allocated'), 0)
         - coalesce(sum((payload->>'qty')::BIGINT) FILTER (WHERE type = 'shipped'), 0) AS reserved
FROM event_log
GROUP BY ALL`;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** A warehouse holding `events` generated events (+ master data), kept under bench/tmp between runs. */
async function generatedWarehouse(
  events: number,
): Promise<{ warehouse: Warehouse; file: string; generated: boolean }> {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `ledger-${events}.duckdb`);
  const ready = `${file}.ready`;
  if (!fs.existsSync(ready)) {
    for (const stale of [file, `${file}.wal`]) fs.rmSync(stale, { force: true });
    const warehouse = await Warehouse.open(file);
    process.stderr.write(`generating ${events.toLocaleString('en-US')} events in SQL → ${file}\n`);
    await writeLedgerMasterData(warehouse);
    await writeLedgerEvents(warehouse, { count: events, seed: 42, startAt: START });
    await warehouse.run('CHECKPOINT');
    fs.writeFileSync(ready, '');
    return { warehouse, file, generated: true };
  }
  return { warehouse: await Warehouse.open(file), file, generated: false };
}

/**
 * `ledger`: a full rebuild of inventory_positions (and everything the ledger derives with it: movements,
 * valuation, reservations, on order) from `events` events, against the bare aggregation over the same events
 * in the same run. Events are generated directly in SQL into event_log (the JSONL path is ~50k events/s).
 */
export async function benchLedger(options: { events: number }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const { warehouse } = await generatedWarehouse(options.events);
  try {
    const logged = await warehouse.one<{ n: bigint }>('SELECT count(*) AS n FROM event_log');
    const bare = await seconds(() => warehouse.run(BARE_SQL));
    const bareAgain = await seconds(() => warehouse.run(BARE_SQL));
    let refresh = await refreshLedger(warehouse, { full: true });
    const full = refresh.seconds;
    refresh = await refreshLedger(warehouse, { full: true });
    const fullAgain = refresh.seconds;
    const baseline = Math.min(bare, bareAgain);
    const rebuild = Math.min(full, fullAgain);
    const counts = await warehouse.one<{ positions: bigint; postings: bigint }>(
      `SELECT (SELECT count(*) FROM inventory_positions) AS positions,
              (SELECT count(*) FROM ledger_stock) + (SELECT count(*) FROM ledger_reservations)
                + (SELECT count(*) FROM ledger_po_movements) AS postings`,
    );
    const ratio = rebuild / baseline;
    return {
      name: 'ledger',
      description: `full rebuild of inventory_positions from ${Number(logged!.n).toLocaleString('en-US')} events vs a bare SUM … FILTER … GROUP BY over them`,
      startedAt,
      parameters: { events: options.events, generatedIn: 'SQL (bench/lib/ledger-events.ts)', runs: 2 },
      rows: [
        { metric: 'bare SUM FILTER GROUP BY seconds', value: round(baseline), unit: 's' },
        { metric: 'full rebuild seconds', value: round(rebuild), unit: 's' },
        {
          metric: 'ratio to bare aggregation',
          value: round(ratio),
          unit: 'x',
          target: '<= 2',
          ok: ratio <= 2,
        },
        {
          metric: 'events/s (full rebuild)',
          value: Math.round(Number(logged!.n) / rebuild),
          unit: 'events/s',
        },
        { metric: 'positions', value: Number(counts!.positions), unit: 'rows' },
        { metric: 'postings', value: Number(counts!.postings), unit: 'rows' },
      ],
    };
  } finally {
    await warehouse.close();
  }
}

/**
 * `ledger-incremental`: apply `newEvents` (default 10k) new events, 1% of them late, to a warehouse holding
 * `events` events whose ledger is up to date, with an incremental refresh; against a full rebuild of the
 * result, which must be identical (positions, movements with their values).
 */
export async function benchLedgerIncremental(options: {
  events: number;
  newEvents?: number;
}): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const newEvents = options.newEvents ?? 10_000;
  const { warehouse, file } = await generatedWarehouse(options.events);
  // work on a copy, so the generated warehouse stays reusable
  await warehouse.close();
  const copy = path.join(TMP, `ledger-${options.events}-incremental.duckdb`);
  for (const stale of [copy, `${copy}.wal`]) fs.rmSync(stale, { force: true });
  fs.copyFileSync(file, copy);
  const work = await Warehouse.open(copy);
  try {
    const initial = await refreshLedger(work, { full: true });
    const last = await work.one<{ at: Date }>('SELECT max(occurred_at) AS at FROM event_log');
    await writeLedgerEvents(work, {
      count: newEvents,
      seed: 4242,
      startAt: new Date(last!.at.getTime() + 1000).toISOString(),
      lateShare: 0.01,
    });
    const incremental = await refreshLedger(work);
    await snapshot(work, 'incremental');
    const full = await refreshLedger(work, { full: true });
    await snapshot(work, 'full');
    const differences = await work.one<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM (SELECT * FROM temp.snap_incremental EXCEPT ALL SELECT * FROM temp.snap_full))
            + (SELECT count(*) FROM (SELECT * FROM temp.snap_full EXCEPT ALL SELECT * FROM temp.snap_incremental)) AS n`,
    );
    const ratio = incremental.seconds / full.seconds;
    const rows: BenchRow[] = [
      { metric: 'initial full rebuild seconds', value: round(initial.seconds), unit: 's' },
      { metric: 'new events', value: incremental.events, unit: 'events' },
      { metric: 'incremental refresh seconds', value: round(incremental.seconds), unit: 's' },
      { metric: 'full rebuild seconds (same events)', value: round(full.seconds), unit: 's' },
      {
        metric: 'ratio to full rebuild',
        value: round(ratio, 4),
        unit: 'x',
        target: '<= 0.02',
        ok: ratio <= 0.02,
      },
      { metric: 'accounts continued', value: incremental.appendedAccounts, unit: 'accounts' },
      {
        metric: 'accounts recomputed (late + dependents)',
        value: incremental.rebuiltAccounts,
        unit: 'accounts',
      },
      {
        metric: 'rows differing from the full rebuild',
        value: Number(differences!.n),
        unit: 'rows',
        target: '0',
        ok: differences!.n === 0n,
      },
    ];
    return {
      name: 'ledger-incremental',
      description: `apply ${newEvents.toLocaleString('en-US')} new events (1% late) to a ${options.events.toLocaleString('en-US')}-event warehouse vs a full rebuild`,
      startedAt,
      parameters: {
        events: options.events,
        newEvents,
        lateShare: 0.01,
        generatedIn: 'SQL (bench/lib/ledger-events.ts)',
      },
      rows,
    };
  } finally {
    await work.close();
    for (const stale of [copy, `${copy}.wal`]) fs.rmSync(stale, { force: true });
  }
}

/** What must be identical after incremental and full refreshes: positions and every posting with its value. */
async function snapshot(warehouse: Warehouse, name: string): Promise<void> {
  await warehouse.run(`
    CREATE OR REPLACE TEMP TABLE snap_${name} AS
    SELECT 'position' AS kind, sku, node_id, NULL AS event_id, NULL::SMALLINT AS posting_no,
           sellable, reserved, on_hand, in_transit_in, on_order, inventory_value AS value, avg_unit_cost AS avg
    FROM inventory_positions
    UNION ALL
    SELECT 'posting', k.sku, k.node_id, e.event_id, s.posting_no, s.qty, s.bucket_qty, s.pool_qty, NULL, NULL,
           s.value, s.avg_unit_cost
    FROM ledger_stock s JOIN ledger_keys k USING (key_id) JOIN event_log e ON e.seq = s.seq
    UNION ALL
    SELECT 'claim', sku, node_id, e.event_id, r.posting_no, r.qty, NULL, NULL, NULL, NULL, NULL, NULL
    FROM ledger_reservations r JOIN event_log e ON e.seq = r.seq`);
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}
