/**
 * Returns from receipt to disposition (docs/workflow.md). A `return_received` puts units in
 * `returns_pending`; grading lands the contract's `return_graded` (the ledger moves the units: restock and
 * liquidate → sellable, refurbish → repair, return to vendor / write-off → out of stock), and a finished
 * refurbishment lands `status_changed` repair → sellable. Grading rules (condition → grade → disposition)
 * are configurable per category in `config/returns.json`; recovery rates per disposition are the warehouse
 * table returns_recovery_rates.
 */
import path from 'node:path';
import * as z from 'zod';
import { DISPOSITIONS, type Disposition, GRADES, type Grade } from '../contracts/index.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { businessNow, isoTime } from './clock.ts';
import { CONFIG_DIR, loadConfig } from './config.ts';
import { WorkflowError } from './errors.ts';
import { landEvents, type WorkflowEventBody } from './land.ts';
import { type Reader, warehouseReader } from './reader.ts';
import { workflowSql } from './sql.ts';

const outcome = z.strictObject({ grade: z.enum(GRADES), disposition: z.enum(DISPOSITIONS) });
const conditionRules = z.record(z.string().min(1).max(64), outcome);

export const returnsPolicySchema = z.strictObject({
  default: conditionRules,
  categories: z.record(z.string().min(1), conditionRules),
  /**
   * Moved to the warehouse (table returns_recovery_rates) so SQL and the tools share one copy; refused here
   * rather than silently ignored.
   */
  recovery_rate: z
    .never({
      error:
        'recovery rates now live in the warehouse table returns_recovery_rates (seeded with the former defaults); remove recovery_rate from this file',
    })
    .optional(),
  /** A refund later than this after the return's receipt is flagged. */
  refund_late_hours: z.number().positive(),
});
export type ReturnsPolicy = z.output<typeof returnsPolicySchema>;

export const RETURNS_POLICY_FILE = path.join(CONFIG_DIR, 'returns.json');
let cached: ReturnsPolicy | undefined;

export function defaultReturnsPolicy(): ReturnsPolicy {
  cached ??= loadConfig(returnsPolicySchema, RETURNS_POLICY_FILE);
  return cached;
}

/** The grade and disposition for a condition, by the item's category (falling back to the defaults). */
export function gradeFor(
  policy: ReturnsPolicy,
  category: string | null,
  condition: string,
): { grade: Grade; disposition: Disposition } {
  const rule =
    (category === null ? undefined : policy.categories[category]?.[condition]) ?? policy.default[condition];
  if (rule === undefined) {
    const known = [
      ...new Set([...Object.keys(policy.default), ...Object.keys(policy.categories[category ?? ''] ?? {})]),
    ];
    throw new WorkflowError('invalid', `Unknown condition "${condition}": use one of ${known.join(', ')}.`);
  }
  return rule;
}

export interface ReturnRow {
  return_id: string;
  node_id: string;
  sku: string;
  category: string | null;
  order_id: string | null;
  line_id: string | null;
  reason: string;
  received_at: string;
  received_qty: number;
  graded_qty: number;
  ungraded_qty: number;
  grade_events: number;
  last_graded_at: string | null;
  dispositions: string[] | null;
  age_hours: number;
}

function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.toISOString() : value,
    ]),
  );
}

/** Returns received, oldest first; `ungradedOnly` (default) keeps those with units left to grade. */
export async function listReturns(
  reader: Reader,
  options: { now: string; returnId?: string | undefined; ungradedOnly?: boolean },
): Promise<ReturnRow[]> {
  const rows = await reader.all(workflowSql('returns_queue'), {
    now: options.now,
    return_id: options.returnId ?? null,
    status: options.ungradedOnly === false ? null : 'ungraded',
  });
  return rows.map((row) => plainRow(row) as unknown as ReturnRow);
}

export interface GradeInput {
  returnId: string;
  /** Which line of the return, when it has several skus (or nodes). */
  sku?: string | undefined;
  nodeId?: string | undefined;
  /** Graded by rule: the condition found (`new`, `opened`, `damaged`, …). */
  condition?: string | undefined;
  /** Or explicitly (both). */
  grade?: Grade | undefined;
  disposition?: Disposition | undefined;
  /** Default: every ungraded unit. */
  qty?: number | undefined;
  actor: string;
  at?: string | undefined;
  policy?: ReturnsPolicy;
}

export interface GradeResult {
  returnId: string;
  sku: string;
  nodeId: string;
  qty: number;
  grade: Grade;
  disposition: Disposition;
  eventId: string;
  ungradedLeft: number;
}

/** Grades returned units: lands `return_graded` (the ledger moves the units and their value). */
export async function gradeReturn(warehouse: Warehouse, input: GradeInput): Promise<GradeResult> {
  const policy = input.policy ?? defaultReturnsPolicy();
  const now = await businessNow(warehouseReader(warehouse));
  const lines = (
    await listReturns(warehouseReader(warehouse), { now, returnId: input.returnId, ungradedOnly: false })
  ).filter(
    (row) =>
      (input.sku === undefined || row.sku === input.sku) &&
      (input.nodeId === undefined || row.node_id === input.nodeId),
  );
  if (lines.length === 0) {
    throw new WorkflowError(
      'not_found',
      `No received return ${input.returnId}${input.sku ? ` for ${input.sku}` : ''} (list them with retailos returns list).`,
    );
  }
  if (lines.length > 1) {
    throw new WorkflowError(
      'invalid',
      `Return ${input.returnId} has ${lines.length} lines (${lines.map((l) => `${l.sku}@${l.node_id}`).join(', ')}): say which with sku (and node).`,
    );
  }
  const line = lines[0]!;
  if (line.ungraded_qty === 0) {
    throw new WorkflowError(
      'invalid_transition',
      `Return ${line.return_id} (${line.sku}) is graded already (${line.graded_qty} units).`,
    );
  }
  const qty = input.qty ?? line.ungraded_qty;
  if (!Number.isInteger(qty) || qty < 1 || qty > line.ungraded_qty) {
    throw new WorkflowError(
      'invalid',
      `Grade 1 to ${line.ungraded_qty} units of return ${line.return_id}, got ${qty}.`,
    );
  }
  let decided: { grade: Grade; disposition: Disposition };
  if (input.condition !== undefined) {
    decided = gradeFor(policy, line.category, input.condition);
  } else if (input.grade !== undefined && input.disposition !== undefined) {
    decided = { grade: input.grade, disposition: input.disposition };
  } else {
    throw new WorkflowError('invalid', 'Give the condition found, or both a grade and a disposition.');
  }
  const at = input.at === undefined ? now : checkedTime(input.at);
  if (Date.parse(at) < Date.parse(line.received_at)) {
    throw new WorkflowError(
      'invalid',
      `Return ${line.return_id} was received at ${line.received_at}; it cannot be graded before.`,
    );
  }
  const event: WorkflowEventBody = {
    // n-th grading of this line: re-sending the same grading is a duplicate, never graded twice
    event_id: `wf-grade-${line.return_id}-${line.node_id}-${line.sku}-${line.grade_events + 1}`.slice(0, 128),
    type: 'return_graded',
    occurred_at: at,
    actor: input.actor,
    return_id: line.return_id,
    node_id: line.node_id,
    sku: line.sku,
    qty,
    ...decided,
  };
  await landEvents(warehouse, [event]);
  return {
    returnId: line.return_id,
    sku: line.sku,
    nodeId: line.node_id,
    qty,
    ...decided,
    eventId: event.event_id,
    ungradedLeft: line.ungraded_qty - qty,
  };
}

/** Refurbished units are sellable again: `status_changed` repair → sellable. */
export async function completeRefurbishment(
  warehouse: Warehouse,
  input: { nodeId: string; sku: string; qty: number; actor: string; at?: string },
): Promise<string> {
  if (!Number.isInteger(input.qty) || input.qty < 1) {
    throw new WorkflowError('invalid', `qty must be a positive whole number, got ${input.qty}.`);
  }
  const at = input.at === undefined ? await businessNow(warehouseReader(warehouse)) : checkedTime(input.at);
  const repair = await warehouse.one<{ repair: bigint | number | null }>(
    'SELECT repair FROM inventory_positions WHERE sku = $sku AND node_id = $node',
    { sku: input.sku, node: input.nodeId },
  );
  const inRepair = Number(repair?.repair ?? 0);
  if (input.qty > inRepair) {
    throw new WorkflowError(
      'invalid',
      `Only ${inRepair} units of ${input.sku} are in repair at ${input.nodeId} (refresh the ledger first if units were just graded).`,
    );
  }
  const eventId = `wf-refurb-${input.nodeId}-${input.sku}-${Date.parse(at)}`.slice(0, 128);
  await landEvents(warehouse, [
    {
      event_id: eventId,
      type: 'status_changed',
      occurred_at: at,
      actor: input.actor,
      node_id: input.nodeId,
      sku: input.sku,
      qty: input.qty,
      from_status: 'repair',
      to_status: 'sellable',
      reason: 'refurbished',
    },
  ]);
  return eventId;
}

export interface RecoveryRow {
  disposition: string;
  returns: number;
  units: number;
  cost_value: number;
  recovery_rate: number;
  recovery_value: number;
}

/**
 * Graded units per disposition, their value at cost and the value recovered (cost × the disposition's rate).
 * The rates are the warehouse's (table returns_recovery_rates), the same numbers mart_returns uses.
 */
export async function recoveryByDisposition(reader: Reader): Promise<RecoveryRow[]> {
  const rows = (await reader.all(workflowSql('returns_dispositions'), {})).map(plainRow);
  return rows.map((row) => ({
    disposition: row.disposition as string,
    returns: Number(row.returns),
    units: Number(row.units),
    cost_value: Number(row.cost_value),
    recovery_rate: Number(row.recovery_rate),
    recovery_value: Number(row.recovery_value),
  }));
}

/** Return reasons by category, with what became of the units. */
export async function returnReasons(reader: Reader): Promise<Record<string, unknown>[]> {
  return (await reader.all(workflowSql('returns_reasons'), {})).map(plainRow);
}

/** Refunds linked to their returns: hours from receipt to refund, and flags (see sql/workflow/refunds.sql). */
export async function refundLinkage(
  reader: Reader,
  options: { flaggedOnly?: boolean; policy?: ReturnsPolicy } = {},
): Promise<Record<string, unknown>[]> {
  const policy = options.policy ?? defaultReturnsPolicy();
  return (
    await reader.all(workflowSql('refunds'), {
      late_hours: policy.refund_late_hours,
      flagged: options.flaggedOnly === true,
    })
  ).map(plainRow);
}

function checkedTime(value: string): string {
  try {
    return isoTime(value);
  } catch {
    throw new WorkflowError('invalid', `Not a timestamp: ${JSON.stringify(value)} (use ISO-8601).`);
  }
}
