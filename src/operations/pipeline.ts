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
}

export interface PipelineReport {
  /** Null when the ledger had nothing pending. */
  ledger: RefreshResult | null;
  /** Null when allocation was not asked for or nothing was open. */
  allocation: RunReport | null;
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
  const report: PipelineReport = { ledger: null, allocation: null, seconds: 0 };
  const lag = await ledgerLag(warehouse);
  if (lag.pendingEvents > 0) report.ledger = await refreshLedger(warehouse);
  if (options.allocate ?? true) {
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
  /** Runs the pipeline alone on the write connection (the server's `SerialWriter.exclusive`). */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  onReport?: (report: PipelineReport) => void;
}

/** Debounced pipeline runs for the server: `notify()` after every batch that landed something. */
export function createOperationsScheduler(
  warehouse: Warehouse,
  options: OperationsSchedulerOptions,
): AllocationScheduler {
  return new AllocationScheduler(
    () =>
      options.exclusive(async () => {
        const report = await runPipeline(warehouse, { trigger: 'server', ...options.pipeline });
        options.onReport?.(report);
      }),
    options,
  );
}
