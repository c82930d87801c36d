/**
 * What follows newly landed events: the ledger absorbs them (incremental refresh), then the allocator decides
 * the open order lines against the refreshed positions (and lands its decisions, which the ledger absorbs in
 * turn). The server runs this after ingest batches, debounced (`OperationsScheduler`); the demo runs it once.
 *
 * Why one pipeline rather than two jobs: allocation reads `inventory_positions`, so it must never run on a
 * ledger that lags the events it is allocating; chaining them keeps the order explicit.
 */
import { AllocationScheduler, type SchedulerOptions } from '../allocation/scheduler.ts';
import { type RunReport, runAllocation } from '../allocation/service.ts';
import { ledgerLag, type RefreshResult, refreshLedger } from '../ledger/refresh.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

export interface PipelineOptions {
  /** Run the allocator after the ledger (default true). */
  allocate?: boolean;
  /** Who asked (recorded on the allocation run): server, demo, cli. */
  trigger?: string;
  /**
   * Apply at most this many events to the ledger per run (the server: 20,000, so ingest never waits long on
   * the writer); allocation waits until the ledger has caught up. Default: everything pending.
   */
  maxLedgerEvents?: number;
}

export interface PipelineReport {
  /** Null when the ledger had nothing pending. */
  ledger: RefreshResult | null;
  /** Null when allocation was not asked for or nothing was open. */
  allocation: RunReport | null;
  /** Events still waiting for the ledger after this run (a bounded run); the caller runs again. */
  pendingEvents: number;
  seconds: number;
}

/**
 * Event types after which an allocation run can decide something new: orders (and their cancellations, which
 * free capacity), stock arriving or changing status (backorders wait for it), and master data that moves
 * eligibility (nodes stopping, lanes, channel buffers). Prices, sales and the allocator's own events do not.
 */
export const ALLOCATION_TRIGGERS = [
  'order_placed',
  'order_cancelled',
  'receipt',
  'transfer_received',
  'status_changed',
  'adjustment',
  'cycle_count',
  'return_received',
  'return_graded',
  'node_upserted',
  'lane_upserted',
  'channel_upserted',
] as const;

const PENDING_SQL = `
  SELECT EXISTS (
    SELECT 1 FROM event_log
    WHERE seq > coalesce((SELECT max(last_seq) FROM allocation_pipeline_mark), 0)
      AND type IN (SELECT unnest(from_json($types::JSON, '["VARCHAR"]')))
  ) AS pending`;

export async function runPipeline(
  warehouse: Warehouse,
  options: PipelineOptions = {},
): Promise<PipelineReport> {
  const started = performance.now();
  const report: PipelineReport = { ledger: null, allocation: null, pendingEvents: 0, seconds: 0 };
  const lag = await ledgerLag(warehouse);
  if (lag.pendingEvents > 0) {
    report.ledger = await refreshLedger(warehouse, { maxEvents: options.maxLedgerEvents });
    report.pendingEvents = lag.pendingEvents - report.ledger.events;
  }
  // Allocation reads the ledger's positions: it waits until the ledger has caught up.
  if ((options.allocate ?? true) && report.pendingEvents === 0) {
    if (await allocationPending(warehouse)) {
      // Mark what this run has seen before it lands its own events (they never trigger a run).
      const seen = await warehouse.one<{ seq: bigint | null }>('SELECT max(seq) AS seq FROM event_log');
      report.allocation = await runAllocation(warehouse, { trigger: options.trigger ?? 'server' });
      await warehouse.run('INSERT OR REPLACE INTO allocation_pipeline_mark VALUES (1, $seq, now())', {
        seq: Number(seen?.seq ?? 0),
      });
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/**
 * Whether an allocation run could change anything since the last pipeline run. Saves a full allocation load
 * when only, say, prices or sales landed.
 */
async function allocationPending(warehouse: Warehouse): Promise<boolean> {
  const row = await warehouse.one<{ pending: boolean }>(PENDING_SQL, {
    types: JSON.stringify(ALLOCATION_TRIGGERS),
  });
  return row?.pending ?? false;
}

export interface OperationsSchedulerOptions extends SchedulerOptions {
  pipeline?: PipelineOptions;
  /**
   * After a run that held the writer for T seconds, the next waits at least `dutyFactor` × T (capped at
   * `maxCooldownMs`), so under sustained ingest the pipeline takes at most 1 / (1 + dutyFactor) of the
   * writer and ingest keeps most of it; positions then lag by a few runs instead of ingest stalling.
   * Default 3 (≤ 25% of the writer), cap 30 s.
   */
  dutyFactor?: number;
  maxCooldownMs?: number;
  /** Runs the pipeline alone on the write connection (the server's `SerialWriter.exclusive`). */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  onReport?: (report: PipelineReport) => void;
}

/** Debounced pipeline runs for the server: `notify()` after every batch that landed something. */
export function createOperationsScheduler(
  warehouse: Warehouse,
  options: OperationsSchedulerOptions,
): AllocationScheduler {
  const dutyFactor = options.dutyFactor ?? 3;
  const maxCooldownMs = options.maxCooldownMs ?? 30_000;
  const scheduler: AllocationScheduler = new AllocationScheduler(
    async () => {
      const report = await options.exclusive(() =>
        runPipeline(warehouse, { trigger: 'server', ...options.pipeline }),
      );
      options.onReport?.(report);
      // A bounded run left events for the next one (after the cool-down).
      if (report.pendingEvents > 0) scheduler.notify();
    },
    { ...options, cooldownMs: (runMs) => Math.min(maxCooldownMs, dutyFactor * runMs) },
  );
  return scheduler;
}
