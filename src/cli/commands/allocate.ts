import { AutoStrategy } from '../../allocation/auto.ts';
import { dayText } from '../../allocation/days.ts';
import { GreedyStrategy } from '../../allocation/greedy.ts';
import { OptimalStrategy } from '../../allocation/optimal.ts';
import {
  AutoPositions,
  EventLogPositions,
  hasRelation,
  LedgerPositions,
  type PositionSource,
} from '../../allocation/positions.ts';
import {
  type OrderAllocation,
  orderAllocation,
  type RunReport,
  runAllocation,
} from '../../allocation/service.ts';
import type { AllocationStrategy } from '../../allocation/strategy.ts';
import type { LineExplanation } from '../../allocation/types.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { listQueue, type QueueItem, warehouseReader } from '../../workflow/exceptions.ts';
import { type CommandIo, defineCommand } from '../command.ts';
import { formatCount, formatDateTime, formatMoney, formatTable, toJsonValue } from '../format.ts';

const STRATEGIES: Record<'auto' | 'optimal' | 'greedy', () => AllocationStrategy> = {
  auto: () => new AutoStrategy(),
  optimal: () => new OptimalStrategy(),
  greedy: () => new GreedyStrategy(),
};

const POSITIONS: Record<'auto' | 'ledger' | 'events', () => PositionSource> = {
  auto: () => new AutoPositions(),
  ledger: () => new LedgerPositions(),
  events: () => new EventLogPositions(),
};

/** Allocation rows printed in the table format before pointing at --format json. */
const MAX_ROWS = 50;

export const allocateCommand = defineCommand({
  name: 'allocate',
  summary:
    'Allocate open order lines to the best nodes (FIFO on scarce stock, promise, then cost) and explain why.',
  usage:
    'retailos allocate [--dry-run] [--as-of TIME] [--strategy auto|optimal|greedy] [--format table|json]\n' +
    '       retailos allocate --explain ORDER_ID [--dry-run] [--format table|json]',
  details: [
    'Decides every open line (placed, not fully allocated, not cancelled, not on hold), re-routes reservations of',
    'nodes that stopped shipping or lost capacity, and lands `allocated` / `allocation_released` events (safe to',
    're-run: event ids are deterministic). Opens promise_at_risk, backorder and substitution_offered exceptions.',
    '--explain ORDER_ID shows, per line, the candidates considered (cost, promise, room) and why the chosen node',
    'won, from the latest run; with --dry-run it decides now, without landing anything.',
    'Exit code: 0, or 1 when the order to explain is unknown.',
  ].join('\n'),
  options: {
    explain: { type: 'string', valueName: 'ORDER_ID', description: 'explain how an order was allocated' },
    'dry-run': { type: 'boolean', description: 'decide and print, land nothing' },
    'as-of': {
      type: 'time',
      valueName: 'TIME',
      description: 'business time of the run (default: latest event)',
    },
    strategy: {
      type: 'enum',
      choices: ['auto', 'optimal', 'greedy'],
      default: 'auto',
      valueName: 'NAME',
      description: 'auto (default), optimal or greedy',
    },
    positions: {
      type: 'enum',
      choices: ['auto', 'ledger', 'events'],
      default: 'auto',
      valueName: 'FROM',
      description: 'auto (default), ledger or events',
    },
    format: {
      type: 'enum',
      choices: ['table', 'json'],
      default: 'table',
      valueName: 'FMT',
      description: 'table (default) or json',
    },
  },
  async run(args, io) {
    const { format, explain, 'dry-run': dryRun } = args.values;
    const asOf = args.values['as-of']?.toISOString();
    const dbPath = resolveDbPath(args.values.db, io.env);

    if (explain !== undefined && !dryRun) {
      const warehouse = await Warehouse.open(dbPath, { readOnly: true });
      try {
        if (!(await hasRelation(warehouse, 'allocation_explanations'))) {
          throw new UserError(`The warehouse has no allocator tables yet: run retailos init --db ${dbPath}`);
        }
        const found = await orderAllocation(warehouse, explain);
        if (!found) throw new UserError(`No order ${explain} in the warehouse.`, 'not_found');
        const view = await withQueueIds(warehouse, found);
        if (format === 'json') io.stdout.write(`${JSON.stringify(toJsonValue(view))}\n`);
        else printOrder(io, view);
        return 0;
      } finally {
        await warehouse.close();
      }
    }

    const warehouse = await Warehouse.open(dbPath);
    try {
      const report = await runAllocation(warehouse, {
        asOf,
        dryRun,
        trigger: 'cli',
        strategy: STRATEGIES[args.values.strategy](),
        positions: POSITIONS[args.values.positions](),
      });
      if (explain !== undefined) {
        const lines = report.result?.explanations.filter((line) => line.orderId === explain) ?? [];
        if (lines.length === 0) {
          throw new UserError(
            `Order ${explain} has no open lines to decide (see retailos allocate --explain ${explain}).`,
            'not_found',
          );
        }
        if (format === 'json')
          io.stdout.write(`${JSON.stringify(toJsonValue({ orderId: explain, lines }))}\n`);
        else for (const line of lines) printLine(io, line);
        return 0;
      }
      if (format === 'json') io.stdout.write(`${JSON.stringify(toJsonValue(jsonReport(report)))}\n`);
      else printRun(io, report);
      return 0;
    } finally {
      await warehouse.close();
    }
  },
});

/**
 * The order's exceptions under the ids of the exception queue (what `retailos exceptions ack|resolve|assign`,
 * `retailos audit exception` and /api/v1/exceptions/:id take), the allocator's own id kept beside it.
 * Exceptions the queue does not list keep the allocator's id (the queue accepts it too).
 */
async function withQueueIds(warehouse: Warehouse, view: OrderAllocation): Promise<OrderAllocation> {
  if (view.exceptions.length === 0 || !(await hasRelation(warehouse, 'exceptions'))) return view;
  // Only ids and statuses are read from the queue: its business time (SLA, age) does not matter here.
  const queue = await listQueue(
    warehouseReader(warehouse),
    { orderId: view.orderId, status: 'all' },
    { now: new Date().toISOString() },
  );
  const byAllocatorId = new Map<string, QueueItem>();
  for (const item of queue) {
    const allocatorId = (item.detail as { allocator_exception_id?: unknown } | null)?.allocator_exception_id;
    if (typeof allocatorId !== 'string') continue;
    const known = byAllocatorId.get(allocatorId);
    // One allocator exception can have had several episodes: the live one, else the latest.
    if (!known || rank(item) > rank(known)) byAllocatorId.set(allocatorId, item);
  }
  return {
    ...view,
    exceptions: view.exceptions.map((exception) => {
      const allocatorId = String(exception.exception_id);
      const item = byAllocatorId.get(allocatorId);
      return item
        ? {
            ...exception,
            exception_id: item.exception_id,
            status: item.status,
            allocator_exception_id: allocatorId,
          }
        : { ...exception, allocator_exception_id: allocatorId };
    }),
  };
}

const rank = (item: QueueItem): string =>
  `${item.condition_active ? 1 : 0}${item.status === 'resolved' ? 0 : 1}${item.opened_at ?? ''}`;

function jsonReport(report: RunReport) {
  return {
    run_id: report.runId,
    as_of: report.asOf,
    dry_run: report.dryRun,
    positions: report.positions,
    stats: report.result?.stats ?? null,
    solver: report.result?.solver ?? null,
    disruption: report.result?.disruption ?? null,
    allocations: report.result?.allocations ?? [],
    releases: report.result?.releases ?? [],
    exceptions: report.result?.exceptions ?? [],
    substitutions: report.substitutions,
    events: report.events,
    landing: report.landing,
  };
}

const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function printRun(io: CommandIo, report: RunReport): void {
  const result = report.result;
  if (!result || report.asOf === null) {
    io.stdout.write('Nothing to allocate: the warehouse has no events.\n');
    return;
  }
  const { stats, solver, disruption } = result;
  const count = (type: string) => result.exceptions.filter((e) => e.exceptionType === type).length;
  const lines = [
    `as of        ${report.asOf} (ships ${dayText(result.day)}), positions from ${report.positions}`,
    `open         ${formatCount(stats.lines)} lines in ${formatCount(stats.orders)} orders, ${formatCount(stats.unitsOpen)} units` +
      (stats.heldLines > 0 ? ` (+${stats.heldLines} lines on hold)` : ''),
    `allocated    ${formatCount(stats.unitsAllocated)} units, ${formatCount(stats.unitsOnTime)} on time (${pct(stats.unitsOnTime, stats.unitsAllocated)}); ${formatCount(stats.unitsBackordered)} backordered`,
    `cost         ${formatMoney(stats.cost)} over ${formatCount(stats.shipments)} shipments; ${formatCount(stats.splitOrders)} of ${formatCount(stats.ordersAllocated)} orders split`,
  ];
  if (disruption.releasedUnits > 0) {
    const reasons = Object.entries(disruption.byReason)
      .map(([reason, units]) => `${reason} ${units}`)
      .join(', ');
    lines.push(
      `re-routed    ${disruption.releasedUnits} units of ${disruption.releasedLines} lines (${reasons}): ` +
        `${disruption.reallocatedOnTime} on time, ${disruption.reallocatedLate} late, ${disruption.backordered} backordered; ` +
        `cost ${formatMoney(disruption.costBefore)} → ${formatMoney(disruption.costAfter)}`,
    );
  }
  lines.push(
    `exceptions   ${count('promise_at_risk')} promise_at_risk, ${count('backorder')} backorder, ${count('substitution_offered')} substitution_offered`,
    report.dryRun
      ? `events       ${report.events.length} decided, none landed (dry run)`
      : `events       ${report.landing?.accepted ?? 0} landed${report.landing ? ` (batch ${report.landing.batchId})` : ''}` +
          (report.landing && report.landing.conflicts > 0
            ? `; ${report.landing.conflicts} conflicted with events already landed (see retailos rejects list)`
            : ''),
    `solver       ${solver.strategy}: ${solver.components} components, ${solver.milpSolves} HiGHS solves, ${solver.seconds.toFixed(2)} s`,
    '',
  );
  io.stdout.write(lines.join('\n'));
  if (result.allocations.length > 0) {
    const rows = result.allocations.slice(0, MAX_ROWS).map((a) => ({
      order_id: a.orderId,
      line_id: a.lineId,
      sku: a.sku,
      node_id: a.nodeId,
      qty: a.qty,
      unit_cost: formatMoney(a.unitCost),
      shipment_fee: formatMoney(a.shipmentFee),
      eta: dayText(a.eta),
      on_time: a.onTime,
    }));
    io.stdout.write(formatTable(Object.keys(rows[0]!), rows));
    if (result.allocations.length > MAX_ROWS) {
      io.stdout.write(`… ${result.allocations.length - MAX_ROWS} more; --format json lists all.\n`);
    }
  }
}

function printOrder(io: CommandIo, view: OrderAllocation): void {
  io.stdout.write(`order ${view.orderId}\n`);
  if (view.lines.length === 0) io.stdout.write('  no allocator run has decided this order yet\n');
  for (const line of view.lines) printLine(io, line, `run ${line.runId} as of ${formatDateTime(line.asOf)}`);
  if (view.claims.length > 0) {
    io.stdout.write('\nnow reserved / shipped\n');
    io.stdout.write(
      formatTable(
        ['line_id', 'node_id', 'sku', 'reserved', 'shipped'],
        view.claims.map((c) => ({
          line_id: c.lineId,
          node_id: c.nodeId,
          sku: c.sku,
          reserved: c.reserved,
          shipped: c.shipped,
        })),
      ),
    );
  }
  if (view.exceptions.length > 0) {
    io.stdout.write('\nexceptions\n');
    io.stdout.write(
      formatTable(
        ['exception_id', 'exception_type', 'line_id', 'severity', 'status', 'opened_at'],
        view.exceptions.map((exception) => ({
          ...exception,
          opened_at: formatDateTime(exception.opened_at as string | null),
        })),
      ),
    );
    io.stdout.write('Act on one with: retailos exceptions ack|resolve|assign EXCEPTION_ID\n');
  }
}

function printLine(io: CommandIo, line: LineExplanation, origin?: string): void {
  const promise = line.promisedBy === null ? 'no promise' : `promised by ${dayText(line.promisedBy)}`;
  io.stdout.write(
    `\nline ${line.lineId}  sku ${line.sku}  ${line.outcome}: ${line.allocatedQty} of ${line.openQty} open units ` +
      `(${line.onTimeQty} on time), ${promise}${origin ? `  [${origin}]` : ''}\n`,
  );
  for (const chosen of line.chosen) {
    io.stdout.write(
      `  → ${chosen.nodeId} × ${chosen.qty}: unit ${formatMoney(chosen.unitCost)}, shipment ${formatMoney(chosen.shipmentFee)}, ` +
        `arrives ${dayText(chosen.eta)}${chosen.onTime ? '' : ' (late)'}\n`,
    );
  }
  for (const reason of line.reasons) io.stdout.write(`  because ${reason}\n`);
  if (line.candidates.length > 0) {
    io.stdout.write(
      formatTable(
        [
          'node_id',
          'unit_cost',
          'shipment_fee',
          'transit_days',
          'eta',
          'on_time',
          'available',
          'capacity_left',
        ],
        line.candidates.map((c) => ({
          node_id: c.nodeId,
          unit_cost: formatMoney(c.unitCost),
          shipment_fee: formatMoney(c.shipmentFee),
          transit_days: c.transitDays,
          eta: dayText(c.eta),
          on_time: c.onTime,
          available: c.availableUnits,
          capacity_left: c.capacityLeft,
        })),
      ).replace(/^(?=.)/gm, '  '),
    );
  }
  if (line.moreCandidates > 0) io.stdout.write(`  … and ${line.moreCandidates} more candidates\n`);
  const excluded = Object.entries(line.excluded).filter(([, n]) => (n ?? 0) > 0);
  if (excluded.length > 0) {
    io.stdout.write(
      `  not candidates: ${excluded.map(([reason, n]) => `${reason.replaceAll('_', ' ')} ${n}`).join(', ')}\n`,
    );
  }
}
