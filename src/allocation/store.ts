/**
 * The adapter's write side for the allocator's own tables (migration 0060): the run record, explanations,
 * exceptions and substitution offers. Rows travel as one JSON parameter per statement (no SQL built from
 * data). Decisions themselves are events and land through the normal landing path (service.ts).
 */
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { AllocationException, AllocationResult, SubstituteOffer } from './types.ts';

export interface RunRecord {
  runId: string;
  startedAt: string;
  trigger: string;
  dryRun: boolean;
  eventsLanded: number;
  batchId: number | null;
}

const rowsParam = (rows: unknown[]) => ({ rows: JSON.stringify(rows) });
const FROM_ROWS = `FROM (SELECT unnest(from_json($rows::JSON, '["JSON"]')) AS j)`;

export async function recordRun(
  warehouse: Warehouse,
  run: RunRecord,
  result: AllocationResult,
): Promise<void> {
  const { stats, solver, disruption } = result;
  await warehouse.run(
    `INSERT INTO allocation_runs VALUES ($run_id, $started_at::TIMESTAMPTZ, now(), $as_of::TIMESTAMPTZ, $trigger,
       $strategy, $dry_run, $lines, $units_open, $units_allocated, $units_on_time, $units_backordered,
       $units_released, $cost, $events_landed, $batch_id, $summary::JSON)`,
    {
      run_id: run.runId,
      started_at: run.startedAt,
      as_of: result.asOf,
      trigger: run.trigger,
      strategy: solver.strategy,
      dry_run: run.dryRun,
      lines: stats.lines,
      units_open: stats.unitsOpen,
      units_allocated: stats.unitsAllocated,
      units_on_time: stats.unitsOnTime,
      units_backordered: stats.unitsBackordered,
      units_released: disruption.releasedUnits,
      cost: stats.cost,
      events_landed: run.eventsLanded,
      batch_id: run.batchId,
      summary: JSON.stringify({
        stats,
        solver,
        disruption: { ...disruption, lines: disruption.lines.slice(0, 200) },
      }),
    },
  );
}

export async function recordExplanations(
  warehouse: Warehouse,
  runId: string,
  result: AllocationResult,
): Promise<void> {
  if (result.explanations.length === 0) return;
  const rows = result.explanations.map((line) => ({
    order_id: line.orderId,
    line_id: line.lineId,
    sku: line.sku,
    outcome: line.outcome,
    open_qty: line.openQty,
    allocated_qty: line.allocatedQty,
    on_time_qty: line.onTimeQty,
    explanation: line,
  }));
  await warehouse.run(
    `INSERT INTO allocation_explanations
     SELECT $run_id, (j->>'order_id'), (j->>'line_id'), (j->>'sku'), $as_of::TIMESTAMPTZ, (j->>'outcome'),
            (j->>'open_qty')::INTEGER, (j->>'allocated_qty')::INTEGER, (j->>'on_time_qty')::INTEGER, (j->'explanation')
     ${FROM_ROWS}`,
    { run_id: runId, as_of: result.asOf, ...rowsParam(rows) },
  );
}

/**
 * Opens the run's exceptions: new ones are inserted, open ones updated in place (same id), resolved ones
 * re-opened.
 */
export async function upsertExceptions(
  warehouse: Warehouse,
  runId: string,
  asOf: string,
  exceptions: readonly AllocationException[],
): Promise<void> {
  if (exceptions.length === 0) return;
  const rows = exceptions.map((e) => ({
    exception_id: e.exceptionId,
    exception_type: e.exceptionType,
    severity: e.severity,
    sku: e.sku,
    node_id: e.nodeId,
    order_id: e.orderId,
    line_id: e.lineId,
    detail: e.detail,
  }));
  await warehouse.run(
    `CREATE OR REPLACE TEMP TABLE alloc_new_exceptions AS
     SELECT (j->>'exception_id') AS exception_id, (j->>'exception_type') AS exception_type, (j->>'severity') AS severity,
            (j->>'sku') AS sku, (j->>'node_id') AS node_id, (j->>'order_id') AS order_id, (j->>'line_id') AS line_id,
            (j->'detail') AS detail
     ${FROM_ROWS}`,
    rowsParam(rows),
  );
  await warehouse.run(
    `UPDATE allocation_exceptions e
     SET severity = n.severity, sku = n.sku, node_id = n.node_id, detail = n.detail, run_id = $run_id,
         opened_at = CASE WHEN e.status = 'resolved' THEN $as_of::TIMESTAMPTZ ELSE e.opened_at END,
         status = 'open', resolved_at = NULL, resolution = NULL
     FROM temp.alloc_new_exceptions n
     WHERE e.exception_id = n.exception_id`,
    { run_id: runId, as_of: asOf },
  );
  await warehouse.run(
    `INSERT INTO allocation_exceptions
     SELECT n.exception_id, n.exception_type, n.severity, n.sku, n.node_id, n.order_id, n.line_id, NULL,
            $as_of::TIMESTAMPTZ, 'open',
            NULL, NULL, $run_id, n.detail
     FROM temp.alloc_new_exceptions n
     WHERE NOT EXISTS (SELECT 1 FROM allocation_exceptions e WHERE e.exception_id = n.exception_id)`,
    { run_id: runId, as_of: asOf },
  );
  await warehouse.run('DROP TABLE temp.alloc_new_exceptions');
}

/**
 * Resolves open exceptions whose cause is gone after the run:
 * - any type, when its line left scope (shipped in full or cancelled: not in temp.alloc_lines);
 * - `backorder`, when the line has nothing left to allocate (not among `stillShort`);
 * - `promise_at_risk`, when the whole line was decided again in this run and is now entirely on time.
 */
export async function resolveExceptions(warehouse: Warehouse, result: AllocationResult): Promise<void> {
  const stillShort = result.explanations
    .filter((line) => line.outcome === 'held' || line.allocatedQty < line.openQty)
    .map((line) => ({ order_id: line.orderId, line_id: line.lineId }));
  // Only lines decided whole in this run (e.g. released and re-routed): no older late units remain.
  const nowOnTime = result.explanations
    .filter((line) => line.outcome === 'allocated' && line.openQty === line.orderedQty)
    .map((line) => ({ order_id: line.orderId, line_id: line.lineId }));
  await warehouse.run(
    `UPDATE allocation_exceptions e
     SET status = 'resolved', resolved_at = $as_of::TIMESTAMPTZ, resolution = 'line shipped or cancelled'
     WHERE e.status = 'open'
       AND NOT EXISTS (SELECT 1 FROM temp.alloc_lines l WHERE l.order_id = e.order_id AND l.line_id = e.line_id)`,
    { as_of: result.asOf },
  );
  await warehouse.run(
    `UPDATE allocation_exceptions e
     SET status = 'resolved', resolved_at = $as_of::TIMESTAMPTZ, resolution = 'allocated'
     WHERE e.status = 'open' AND e.exception_type = 'backorder'
       AND NOT EXISTS (SELECT 1 ${FROM_ROWS} WHERE (j->>'order_id') = e.order_id AND (j->>'line_id') = e.line_id)`,
    { as_of: result.asOf, ...rowsParam(stillShort) },
  );
  if (nowOnTime.length > 0) {
    await warehouse.run(
      `UPDATE allocation_exceptions e
       SET status = 'resolved', resolved_at = $as_of::TIMESTAMPTZ, resolution = 're-allocated on time'
       WHERE e.status = 'open' AND e.exception_type = 'promise_at_risk'
         AND EXISTS (SELECT 1 ${FROM_ROWS} WHERE (j->>'order_id') = e.order_id AND (j->>'line_id') = e.line_id)`,
      { as_of: result.asOf, ...rowsParam(nowOnTime) },
    );
  }
}

/** Records offers not made before for the line (an offered, accepted or declined row stays as it is). */
export async function recordOffers(
  warehouse: Warehouse,
  runId: string,
  asOf: string,
  offers: readonly {
    orderId: string;
    lineId: string;
    orderedSku: string;
    offers: readonly SubstituteOffer[];
  }[],
): Promise<void> {
  const rows = offers.flatMap((entry) =>
    entry.offers.map((offer, index) => ({
      order_id: entry.orderId,
      line_id: entry.lineId,
      ordered_sku: entry.orderedSku,
      substitute_sku: offer.sku,
      offer_rank: index + 1,
      detail: offer,
    })),
  );
  if (rows.length === 0) return;
  await warehouse.run(
    `INSERT INTO allocation_substitutions
     SELECT (j->>'order_id'), (j->>'line_id'), (j->>'ordered_sku'), (j->>'substitute_sku'), (j->>'offer_rank')::INTEGER,
            $as_of::TIMESTAMPTZ, $run_id, 'offered', NULL, NULL, (j->'detail')
     ${FROM_ROWS}
     WHERE NOT EXISTS (
       SELECT 1 FROM allocation_substitutions s
       WHERE s.order_id = (j->>'order_id') AND s.line_id = (j->>'line_id') AND s.substitute_sku = (j->>'substitute_sku'))`,
    { run_id: runId, as_of: asOf, ...rowsParam(rows) },
  );
}
