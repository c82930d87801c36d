/**
 * How a command holds the warehouse: open it (read-only unless it writes), do the work, close it — and for
 * the ledger's readers, say when events wait for a refresh; for workflow writes, bring the ledger up to date
 * after them (so later commands see no stale ledger, and approved POs / graded returns show in positions).
 */
import { requireLedger } from '../ledger/queries.ts';
import { ledgerLag, refreshLedger } from '../ledger/refresh.ts';
import { resolveDbPath } from '../warehouse/config.ts';
import { Warehouse } from '../warehouse/warehouse.ts';
import type { CommandIo } from './command.ts';

export interface SessionOptions {
  /** `--db` (else $RETAILOS_DB, else the default file). */
  db: string | undefined;
  readOnly?: boolean;
  /** Create the warehouse when there is none (`retailos keys create` before `init`). */
  create?: boolean;
}

/** Opens an existing warehouse, runs `work`, closes it. */
export async function withWarehouse<T>(
  options: SessionOptions,
  io: CommandIo,
  work: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const warehouse = await Warehouse.open(resolveDbPath(options.db, io.env), {
    readOnly: options.readOnly ?? false,
    create: options.create ?? false,
  });
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

/**
 * Opens the warehouse (read-only unless `write`), checks it has the ledger, notes on stderr when events
 * landed after the last refresh, runs `work`, and closes the warehouse.
 */
export function withLedger<T>(
  options: { db: string | undefined; write?: boolean },
  io: CommandIo,
  work: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  return withWarehouse({ db: options.db, readOnly: !options.write }, io, async (warehouse) => {
    await requireLedger(warehouse);
    const lag = await ledgerLag(warehouse);
    if (lag.pendingEvents > 0) {
      io.stderr.write(
        `note: ${lag.pendingEvents.toLocaleString('en-US')} event(s) landed since the last refresh; run retailos refresh\n`,
      );
    }
    return work(warehouse);
  });
}

/** Opens the warehouse for writing, runs `work` (workflow events), then brings the ledger up to date. */
export function withWorkflowWrites<T>(
  options: { db: string | undefined },
  io: CommandIo,
  work: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  return withLedger({ db: options.db, write: true }, io, async (warehouse) => {
    const result = await work(warehouse);
    await refreshLedger(warehouse);
    return result;
  });
}
