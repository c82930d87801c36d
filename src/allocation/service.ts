/**
 * The allocation service: what the CLI (`retailos allocate`), the API server and the demo call.
 *
 * A run reads the warehouse (load.ts), decides with the pure core (allocate.ts), looks for substitutes where
 * a line cannot be served in time, lands the decisions as `allocated` / `allocation_released` events through
 * the normal landing path (validated by `stageItem`, landed atomically by `EventLander`, deterministic ids),
 * then records the run, its explanations and exceptions.
 *
 * Never overselling needs one writer between reading positions and landing: runs in a process are serialized
 * here; a server must also run them inside its write mutex (`SerialWriter.exclusive`) so no other write lands
 * an allocation in between. The DuckDB file lock keeps other processes out.
 */
import { randomUUID } from 'node:crypto';
import { canonicalTime } from '../clock/time.ts';
import { isReject, stageItem } from '../ingest/stage.ts';
import { EventLander, type StagedEvent, toColumns } from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { allocate } from './allocate.ts';
import { capacityUsed } from './disruption.ts';
import { type AllocationEvent, decisionEvents } from './events.ts';
import { substitutionException } from './exceptions.ts';
import { type HoldSource, RelationHolds } from './holds.ts';
import { defaultAsOf, loadAllocationInput, loadItems } from './load.ts';
import { defaultPositions, type PositionSource } from './positions.ts';
import { allocationSql } from './sql.ts';
import { recordExplanations, recordOffers, recordRun, resolveExceptions, upsertExceptions } from './store.ts';
import type { AllocationStrategy } from './strategy.ts';
import {
  DEFAULT_SUBSTITUTION_POLICY,
  findSubstitutes,
  type SubstitutionPolicy,
  similarItems,
} from './substitution.ts';
import type { AllocationInput, AllocationResult, LineExplanation, SubstituteOffer } from './types.ts';

export interface RunOptions {
  /** Business time of the run (ISO-8601). Default: the latest event's occurred_at, capped at now. */
  asOf?: string | undefined;
  /** Decide and explain, but land and record nothing. */
  dryRun?: boolean | undefined;
  /** Who asked: cli, api, server, demo, substitution. */
  trigger?: string | undefined;
  strategy?: AllocationStrategy | undefined;
  positions?: PositionSource | undefined;
  holds?: HoldSource | undefined;
  /** Substitution policy, or false to skip the search. */
  substitution?: SubstitutionPolicy | false | undefined;
  explainCandidates?: number | undefined;
}

export interface LandingSummary {
  batchId: number;
  accepted: number;
  duplicates: number;
  /** Events whose id had landed with a different body (a concurrent decision): rejected, not applied. */
  conflicts: number;
}

export interface SubstitutionOffered {
  orderId: string;
  lineId: string;
  orderedSku: string;
  offers: SubstituteOffer[];
}

export interface RunReport {
  runId: string;
  asOf: string | null;
  dryRun: boolean;
  positions: string;
  /** Null on a warehouse without events. */
  result: AllocationResult | null;
  events: AllocationEvent[];
  landing: LandingSummary | null;
  substitutions: SubstitutionOffered[];
}

/** Source name of the batches the allocator lands (ingest_batches.source_name, event_log.source_file). */
export const ALLOCATOR_BATCH_SOURCE = { kind: 'file', name: 'allocator' } as const;

const queues = new WeakMap<Warehouse, Promise<unknown>>();

/** Runs `work` after every earlier allocator job on this warehouse (one at a time per process). */
function exclusive<T>(warehouse: Warehouse, work: () => Promise<T>): Promise<T> {
  const tail = queues.get(warehouse) ?? Promise.resolve();
  const run = tail.then(work, work);
  queues.set(
    warehouse,
    run.catch(() => {}),
  );
  return run;
}

export function runAllocation(warehouse: Warehouse, options: RunOptions = {}): Promise<RunReport> {
  return exclusive(warehouse, () => runOnce(warehouse, options));
}

async function runOnce(warehouse: Warehouse, options: RunOptions): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const runId = `${startedAt.replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const dryRun = options.dryRun ?? false;
  const positions = options.positions ?? defaultPositions();
  await positions.prepare(warehouse);
  const asOf =
    options.asOf === undefined ? await defaultAsOf(warehouse) : canonicalTime(options.asOf, 'as of');
  const report: RunReport = {
    runId,
    asOf,
    dryRun,
    positions: positions.name,
    result: null,
    events: [],
    landing: null,
    substitutions: [],
  };
  if (asOf === null) return report;
  const input = await loadAllocationInput(warehouse, asOf, {
    positions,
    holds: options.holds ?? new RelationHolds(),
  });
  const result = await allocate(input, {
    strategy: options.strategy,
    explainCandidates: options.explainCandidates,
  });
  report.result = result;
  if (options.substitution !== false && result.needsSubstitute.length > 0) {
    report.substitutions = await offerSubstitutes(
      warehouse,
      input,
      result,
      positions,
      options.substitution || DEFAULT_SUBSTITUTION_POLICY,
    );
    for (const entry of report.substitutions) {
      const request = result.needsSubstitute.find(
        (r) => r.orderId === entry.orderId && r.lineId === entry.lineId,
      )!;
      result.exceptions.push(substitutionException(request, entry.offers));
    }
  }
  report.events = decisionEvents(asOf, input.claims, result.releases, result.allocations);
  if (dryRun) return report;

  let batchId: number | null = null;
  if (report.events.length > 0) {
    const staged = report.events.map((event) => stageItem({ raw: JSON.stringify(event) }));
    const invalid = staged.find(isReject);
    if (invalid) throw new Error(`allocator produced an invalid event: ${JSON.stringify(invalid.errors)}`);
    const outcome = await new EventLander(warehouse).land(
      ALLOCATOR_BATCH_SOURCE,
      [toColumns(staged as StagedEvent[])],
      [],
    );
    batchId = outcome.batchId;
    report.landing = {
      batchId: outcome.batchId,
      accepted: outcome.accepted,
      duplicates: outcome.duplicates,
      conflicts: outcome.conflicts,
    };
    // Keep the ledger's positions current for readers right after the run.
    await positions.prepare(warehouse);
  }
  await warehouse.transaction(async () => {
    await recordRun(
      warehouse,
      {
        runId,
        startedAt,
        trigger: options.trigger ?? 'cli',
        dryRun,
        eventsLanded: report.landing?.accepted ?? 0,
        batchId,
      },
      result,
    );
    await recordExplanations(warehouse, runId, result);
    await upsertExceptions(warehouse, runId, asOf, result.exceptions);
    // The lines as they stand after this run's events (for what left scope).
    await resolveExceptions(warehouse, result);
    await recordOffers(warehouse, runId, asOf, report.substitutions);
  });
  return report;
}

async function offerSubstitutes(
  warehouse: Warehouse,
  input: AllocationInput,
  result: AllocationResult,
  positions: PositionSource,
  policy: SubstitutionPolicy,
): Promise<SubstitutionOffered[]> {
  const items = await loadItems(warehouse);
  const orders = new Map(input.orders.map((order) => [order.orderId, order]));
  // A line already on an accepted substitute is not offered another one.
  const requests = result.needsSubstitute.filter((request) => {
    const line = orders.get(request.orderId)?.lines.find((l) => l.lineId === request.lineId);
    return line !== undefined && line.orderedSku === undefined;
  });
  const skus = new Set<string>();
  for (const request of requests)
    for (const item of similarItems(request.sku, items, policy)) skus.add(item.sku);
  if (skus.size === 0) return [];
  const offers = findSubstitutes(
    requests,
    {
      day: result.day,
      items,
      nodes: input.nodes,
      lanes: input.lanes,
      channels: input.channels,
      positions: await positions.read(warehouse, [...skus].sort()),
      allocations: result.allocations,
      capacityUsed: capacityUsed(input.claims, result.day),
      orders,
    },
    policy,
  );
  return requests.flatMap((request) => {
    const list = offers.get(`${request.orderId}\u0000${request.lineId}`);
    return list && list.length > 0
      ? [{ orderId: request.orderId, lineId: request.lineId, orderedSku: request.sku, offers: list }]
      : [];
  });
}

// ---------------------------------------------------------------------------------------------------------
// reading an order's allocation

export interface OrderAllocation {
  orderId: string;
  /** What is reserved and shipped where now, per line. */
  claims: { lineId: string; nodeId: string; sku: string; reserved: number; shipped: number }[];
  /** Each line's latest explanation (the run that last decided it). */
  lines: (LineExplanation & { runId: string; asOf: string })[];
  exceptions: Record<string, unknown>[];
}

/** GET /api/v1/orders/:id/allocation and `retailos allocate --explain ORDER_ID`. Null when never placed. */
export async function orderAllocation(
  warehouse: Warehouse,
  orderId: string,
): Promise<OrderAllocation | null> {
  const placed = await warehouse.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM event_log WHERE type = 'order_placed' AND (payload->>'order_id') = $order_id",
    { order_id: orderId },
  );
  if (!placed || placed.n === 0n) return null;
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE alloc_claims AS\n${allocationSql('claims')}`);
  const claims = await warehouse.all<Record<string, unknown>>(allocationSql('order_allocation'), {
    order_id: orderId,
  });
  const lines = await warehouse.all<Record<string, unknown>>(allocationSql('order_explanations'), {
    order_id: orderId,
  });
  const exceptions = await warehouse.all<Record<string, unknown>>(allocationSql('order_exceptions'), {
    order_id: orderId,
  });
  return {
    orderId,
    claims: claims.map((row) => ({
      lineId: row.line_id as string,
      nodeId: row.node_id as string,
      sku: row.sku as string,
      reserved: Number(row.reserved),
      shipped: Number(row.shipped),
    })),
    lines: lines.map((row) => ({
      ...(JSON.parse(row.explanation as string) as LineExplanation),
      runId: row.run_id as string,
      asOf: (row.as_of as Date).toISOString(),
    })),
    exceptions: exceptions.map((row) => ({
      ...row,
      opened_at: (row.opened_at as Date).toISOString(),
      resolved_at: row.resolved_at === null ? null : (row.resolved_at as Date).toISOString(),
      detail: JSON.parse(row.detail as string),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// accepting a substitute (the workflow action)

export class SubstitutionError extends Error {
  override readonly name = 'SubstitutionError';
}

/**
 * Accepts an offered substitute for an order line: the line is amended to the substitute's sku (reservations
 * of the ordered sku are released) and re-allocated by a run. Throws `SubstitutionError` when that
 * substitute was not offered for the line or the line already has an accepted one.
 */
export async function acceptSubstitution(
  warehouse: Warehouse,
  request: { orderId: string; lineId: string; sku: string; actor?: string | undefined },
  options: Omit<RunOptions, 'dryRun' | 'trigger'> = {},
): Promise<RunReport> {
  await exclusive(warehouse, () =>
    warehouse.transaction(async () => {
      const rows = await warehouse.all<{ substitute_sku: string; status: string }>(
        'SELECT substitute_sku, status FROM allocation_substitutions WHERE order_id = $o AND line_id = $l',
        { o: request.orderId, l: request.lineId },
      );
      if (rows.some((row) => row.status === 'accepted')) {
        throw new SubstitutionError(
          `line ${request.orderId}/${request.lineId} already has an accepted substitute`,
        );
      }
      if (!rows.some((row) => row.substitute_sku === request.sku && row.status === 'offered')) {
        throw new SubstitutionError(
          `${request.sku} was not offered for line ${request.orderId}/${request.lineId}`,
        );
      }
      const params = { o: request.orderId, l: request.lineId, s: request.sku, a: request.actor ?? null };
      await warehouse.run(
        `UPDATE allocation_substitutions
         SET status = CASE WHEN substitute_sku = $s THEN 'accepted' ELSE 'declined' END, decided_at = now(), actor = $a
         WHERE order_id = $o AND line_id = $l AND status = 'offered'`,
        params,
      );
      await warehouse.run(
        `UPDATE allocation_exceptions
         SET status = 'resolved', resolved_at = now(), resolution = 'substitute ' || $s || ' accepted'
         WHERE order_id = $o AND line_id = $l AND status = 'open'
           AND exception_type IN ('substitution_offered', 'promise_at_risk', 'backorder')`,
        { o: params.o, l: params.l, s: params.s },
      );
    }),
  );
  return runAllocation(warehouse, { ...options, trigger: 'substitution' });
}
