import fs from 'node:fs';
import path from 'node:path';
import { advanceClockMark } from '../clock/business-clock.ts';
import { SQL_DIR } from '../warehouse/config.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** The refresh's SQL steps (`sql/ledger/refresh/NN_name.sql`), run in this order. */
export const REFRESH_SQL_DIR = path.join(SQL_DIR, 'ledger', 'refresh');

/**
 * Rounds of the dependency closure after which a refresh gives up (a bug: references point strictly backwards
 * in ledger order, so the closure ends after as many rounds as the longest chain of transfers/returns it
 * follows).
 */
const MAX_CLOSURE_ROUNDS = 10_000;

export interface RefreshOptions {
  /** Forget every derived row and replay the whole event log (same code path, from seq 0). */
  full?: boolean;
  /**
   * Apply at most this many events (the oldest pending by seq); the rest wait for the next refresh. The
   * server bounds its refreshes so the writer is never held for long while ingest runs; results do not
   * depend on how the log is split (the property tests split it at random).
   */
  maxEvents?: number;
}

export interface RefreshResult {
  mode: 'incremental' | 'full';
  /** Events with fromSeq < seq <= toSeq were applied. */
  fromSeq: number;
  toSeq: number;
  /** Events applied (of every type; those without a ledger effect included). */
  events: number;
  /** Rounds of the dependency closure (accounts whose inflows reference recomputed postings); 0 when idle. */
  closureRounds: number;
  /** Rounds of the moving-average fold (one more per level of transfers/returns valued at another account). */
  averageRounds: number;
  /** (sku, node) accounts continued from their stored state / recomputed from their first posting. */
  appendedAccounts: number;
  rebuiltAccounts: number;
  seconds: number;
}

/**
 * Applies the events landed since the last refresh to the ledger (movements, positions, valuation,
 * reservations, on-order), in one transaction: all of it or nothing. Set-based SQL in `sql/ledger/refresh/`;
 * this function only sequences the steps and loops the dependency closure (docs/ledger.md).
 *
 * Incremental by default: each (sku, node) account touched by new events continues from its stored state when
 * every new posting comes after its last computed one, and is recomputed from its first posting otherwise (a
 * late event); orders and purchase orders touched are recomputed whole. `full` replays everything through the
 * same path, so incremental and full refreshes give identical results.
 */
export async function refreshLedger(
  warehouse: Warehouse,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const started = performance.now();
  const mode = options.full ? 'full' : 'incremental';
  return warehouse.transaction(async () => {
    if (options.full) await runStep(warehouse, '00_reset');
    const bounds =
      options.maxEvents === undefined || options.full
        ? await warehouse.one<{ from_seq: bigint; to_seq: bigint; events: bigint }>(
            `SELECT w.last_seq AS from_seq, coalesce(max(e.seq), w.last_seq) AS to_seq, count(e.seq) AS events
             FROM ledger_watermark w LEFT JOIN event_log e ON e.seq > w.last_seq
             WHERE w.id = 1 GROUP BY w.last_seq`,
          )
        : await warehouse.one<{ from_seq: bigint; to_seq: bigint; events: bigint }>(
            `WITH w AS (SELECT last_seq FROM ledger_watermark WHERE id = 1),
                  next AS (SELECT e.seq FROM event_log e, w WHERE e.seq > w.last_seq ORDER BY e.seq LIMIT $max)
             SELECT w.last_seq AS from_seq, coalesce((SELECT max(seq) FROM next), w.last_seq) AS to_seq,
                    (SELECT count(*) FROM next) AS events
             FROM w`,
            { max: Math.max(1, Math.floor(options.maxEvents)) },
          );
    const fromSeq = Number(bounds!.from_seq);
    const toSeq = Number(bounds!.to_seq);
    const result: RefreshResult = {
      mode,
      fromSeq,
      toSeq,
      events: Number(bounds!.events),
      closureRounds: 0,
      averageRounds: 0,
      appendedAccounts: 0,
      rebuiltAccounts: 0,
      seconds: 0,
    };
    if (toSeq > fromSeq) {
      await warehouse.run(
        'CREATE OR REPLACE TEMP TABLE lx_params AS SELECT $from::BIGINT AS from_seq, $to::BIGINT AS to_seq',
        { from: fromSeq, to: toSeq },
      );
      await runStep(warehouse, '01_parse');
      await runStep(warehouse, '02_stock_rows');
      await runStep(warehouse, '03_stock_work');
      for (let round = 1; ; round++) {
        if (round > MAX_CLOSURE_ROUNDS) {
          throw new Error(`ledger dependency closure did not end in ${MAX_CLOSURE_ROUNDS} rounds`);
        }
        await runStep(warehouse, '04_stock_closure');
        result.closureRounds = round;
        const added = await warehouse.one<{ n: bigint }>('SELECT count(*) AS n FROM lx_closure');
        if (Number(added!.n) === 0) break;
      }
      const accounts = await warehouse.one<{ appended: bigint; rebuilt: bigint }>(
        `SELECT count(*) FILTER (WHERE mode = 'append') AS appended, count(*) FILTER (WHERE mode = 'rebuild') AS rebuilt
         FROM lx_work`,
      );
      result.appendedAccounts = Number(accounts!.appended);
      result.rebuiltAccounts = Number(accounts!.rebuilt);
      await runStep(warehouse, '05_stock_prepare');
      let remaining = await pendingInflows(warehouse);
      while (remaining > 0) {
        await runStep(warehouse, '06_stock_average');
        result.averageRounds++;
        const left = await pendingInflows(warehouse);
        if (left === remaining)
          throw new Error(`ledger valuation stuck with ${left} costed inflows unvalued`);
        remaining = left;
      }
      await runStep(warehouse, '07_stock_write');
      await runStep(warehouse, '08_reservations');
      await runStep(warehouse, '09_purchase_orders');
      await runStep(warehouse, '10_finish');
      await runStep(warehouse, '11_episodes');
      await dropTempTables(warehouse);
    }
    result.seconds = (performance.now() - started) / 1000;
    await warehouse.run(
      `UPDATE ledger_watermark
       SET refreshed_at = now(), last_mode = $mode, last_events = $events, last_closure_rounds = $rounds
       WHERE id = 1`,
      { mode, events: result.events, rounds: result.closureRounds },
    );
    await advanceClockMark(warehouse);
    return result;
  });
}

/** Costed inflows whose moving average is not computed yet (in the refresh's temp tables). */
async function pendingInflows(warehouse: Warehouse): Promise<number> {
  const row = await warehouse.one<{ n: bigint | null }>('SELECT sum(last_k - done_k) AS n FROM lx_progress');
  return Number(row?.n ?? 0);
}

/** How far the ledger is behind the event log. */
export async function ledgerLag(warehouse: Warehouse): Promise<{ lastSeq: number; pendingEvents: number }> {
  const row = await warehouse.one<{ last_seq: bigint; pending: bigint }>(
    `SELECT w.last_seq, (SELECT count(*) FROM event_log e WHERE e.seq > w.last_seq) AS pending
     FROM ledger_watermark w WHERE w.id = 1`,
  );
  return { lastSeq: Number(row?.last_seq ?? 0), pendingEvents: Number(row?.pending ?? 0) };
}

const stepCache = new Map<string, string[]>();

/** The statements of one refresh step file (statements end with `;` at the end of a line). */
export function refreshStatements(name: string): string[] {
  let statements = stepCache.get(name);
  if (!statements) {
    const sql = fs.readFileSync(path.join(REFRESH_SQL_DIR, `${name}.sql`), 'utf8');
    statements = sql
      .split(/;[ \t]*(?:\r?\n|$)/)
      .map((statement) => statement.trim())
      .filter((statement) => statement.replace(/--[^\n]*/g, '').trim() !== '');
    stepCache.set(name, statements);
  }
  return statements;
}

async function runStep(warehouse: Warehouse, name: string): Promise<void> {
  for (const statement of refreshStatements(name)) {
    try {
      await warehouse.run(statement);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`ledger refresh step ${name} failed: ${message}\n--- statement ---\n${statement}`);
    }
  }
}

async function dropTempTables(warehouse: Warehouse): Promise<void> {
  const temps = await warehouse.all<{ table_name: string }>(
    "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'lx\\_%' ESCAPE '\\'",
  );
  for (const { table_name } of temps) await warehouse.run(`DROP TABLE temp.${table_name}`);
}
