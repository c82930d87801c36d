/**
 * The exception queue (docs/workflow.md). Conditions come from the `exceptions` read model (ledger,
 * allocator, fulfilment holds); workflow state is folded from workflow events by the same model. This
 * module decides and lands the events:
 *
 * - `syncExceptions`: opens a tracked exception for every live condition not tracked yet (`exception_opened`,
 *   deterministic id: the same condition never opens twice), auto-resolves tracked ones whose condition is
 *   gone (`exception_resolved`, code `condition_cleared`), and escalates unresolved ones past their SLA to
 *   the next role of their chain (`exception_escalated`, one per level, dated at the level's due time);
 * - `actOnException`: acknowledge / assign / resolve / reopen, checked against the state machine and the
 *   caller's role;
 * - `listQueue`: the queue with owner, SLA due time and priority score, costliest first.
 */
import { randomUUID } from 'node:crypto';
import type { ExceptionResolutionCode } from '../contracts/index.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { businessNow, isoTime } from './clock.ts';
import { WorkflowError } from './errors.ts';
import { type ExceptionAction, type ExceptionStatus, mayAct, transition } from './exception-machine.ts';
import { defaultExceptionPolicy, type ExceptionPolicy, rulesFor } from './exception-policy.ts';
import { landEvents, type WorkflowEventBody } from './land.ts';
import { type Reader, warehouseReader } from './reader.ts';
import { workflowSql } from './sql.ts';

export { type Reader, warehouseReader } from './reader.ts';

export interface ExceptionFilter {
  exceptionId?: string | undefined;
  /** open | acknowledged | resolved | unresolved (default) | all */
  status?: string | undefined;
  type?: string | undefined;
  severity?: string | undefined;
  sku?: string | undefined;
  nodeId?: string | undefined;
  orderId?: string | undefined;
  ownerRole?: string | undefined;
  assignee?: string | undefined;
}

/** One exception as the queue shows it. */
export interface QueueItem {
  exception_id: string;
  exception_type: string;
  severity: string;
  status: ExceptionStatus;
  priority: number;
  owner_role: string;
  assignee: string | null;
  escalation_level: number;
  sla_due_at: string;
  overdue: boolean;
  age_hours: number;
  revenue_at_risk: number;
  promises_affected: number;
  sku: string | null;
  node_id: string | null;
  order_id: string | null;
  line_id: string | null;
  po_id: string | null;
  transfer_id: string | null;
  opened_at: string | null;
  /** When the condition cleared (an episode that ended by itself), in event time; null while it holds. */
  cleared_at: string | null;
  /** Hours from opened to cleared (sql/marts/exceptions.sql); null while it holds. */
  duration_hours: number | null;
  condition_active: boolean;
  tracked: boolean;
  resolution_code: string | null;
  note: string | null;
  detail: unknown;
}

/** A row of sql/workflow/exception_rows.sql as DuckDB returns it. */
interface ExceptionRow {
  exception_id: string;
  exception_type: string;
  severity: string;
  sku: string | null;
  node_id: string | null;
  order_id: string | null;
  line_id: string | null;
  po_id: string | null;
  transfer_id: string | null;
  opened_at: Date | null;
  status: ExceptionStatus;
  detail: string | null;
  qty: bigint | number | null;
  value: number | null;
  note: string | null;
  condition_key: string;
  source_id: string;
  condition_active: boolean;
  tracked: boolean;
  revenue_at_risk: number | string | null;
  promises_affected: bigint | number | null;
  owner_role: string | null;
  sla_hours: number | null;
  assignee: string | null;
  escalation_level: number | bigint | null;
  last_escalated_at: Date | null;
  resolution_code: string | null;
  last_action_at: Date | null;
  cleared_at: Date | null;
  duration_hours: number | null;
}

const SEVERITY_POINTS: Record<string, number> = { high: 100, medium: 30, low: 5 };
/** Each promise (customer order) affected counts like this much revenue at risk. */
const PROMISE_WEIGHT = 50;
/** The score doubles every this many hours of age. */
const AGE_DOUBLING_HOURS = 72;
const HOUR_MS = 3_600_000;

/**
 * Impact first, then age: (revenue at risk + 50 per promise affected + severity points) × (1 + age / 72 h).
 * Resolved exceptions score 0.
 */
export function priorityScore(input: {
  status: string;
  severity: string;
  revenueAtRisk: number;
  promisesAffected: number;
  ageHours: number;
}): number {
  if (input.status === 'resolved') return 0;
  const impact =
    input.revenueAtRisk + PROMISE_WEIGHT * input.promisesAffected + (SEVERITY_POINTS[input.severity] ?? 0);
  return Math.round(impact * (1 + Math.max(0, input.ageHours) / AGE_DOUBLING_HOURS) * 100) / 100;
}

async function exceptionRows(reader: Reader, filter: ExceptionFilter): Promise<ExceptionRow[]> {
  const status = filter.status === 'all' ? null : (filter.status ?? 'unresolved');
  return (await reader.all(workflowSql('exception_rows'), {
    exception_id: filter.exceptionId ?? null,
    status,
    exception_type: filter.type ?? null,
    severity: filter.severity ?? null,
    sku: filter.sku ?? null,
    node_id: filter.nodeId ?? null,
    order_id: filter.orderId ?? null,
  })) as unknown as ExceptionRow[];
}

function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

function toQueueItem(row: ExceptionRow, policy: ExceptionPolicy, nowMs: number): QueueItem {
  const rules = rulesFor(policy, row.exception_type, row.severity);
  const level = num(row.escalation_level);
  const slaHours = row.sla_hours ?? rules.slaHours;
  const openedMs = row.opened_at?.getTime() ?? nowMs;
  const base = row.last_escalated_at?.getTime() ?? openedMs;
  const dueMs = base + slaHours * HOUR_MS;
  const ageHours = Math.max(0, (nowMs - openedMs) / HOUR_MS);
  const revenue = num(row.revenue_at_risk);
  const promises = num(row.promises_affected);
  return {
    exception_id: row.exception_id,
    exception_type: row.exception_type,
    severity: row.severity,
    status: row.status,
    priority: priorityScore({
      status: row.status,
      severity: row.severity,
      revenueAtRisk: revenue,
      promisesAffected: promises,
      ageHours,
    }),
    owner_role: row.owner_role ?? rules.owner,
    assignee: row.assignee,
    escalation_level: level,
    sla_due_at: new Date(dueMs).toISOString(),
    overdue: row.status !== 'resolved' && nowMs > dueMs,
    age_hours: Math.round(ageHours * 100) / 100,
    revenue_at_risk: revenue,
    promises_affected: promises,
    sku: row.sku,
    node_id: row.node_id,
    order_id: row.order_id,
    line_id: row.line_id,
    po_id: row.po_id,
    transfer_id: row.transfer_id,
    opened_at: row.opened_at?.toISOString() ?? null,
    cleared_at: row.cleared_at?.toISOString() ?? null,
    duration_hours: row.duration_hours === null ? null : Math.round(Number(row.duration_hours) * 100) / 100,
    condition_active: row.condition_active,
    tracked: row.tracked,
    resolution_code: row.resolution_code,
    note: row.note,
    detail: row.detail === null ? null : JSON.parse(row.detail),
  };
}

/** The queue: filtered, costliest first (priority, then oldest, then id). */
export async function listQueue(
  reader: Reader,
  filter: ExceptionFilter = {},
  options: { now: string; policy?: ExceptionPolicy },
): Promise<QueueItem[]> {
  const policy = options.policy ?? defaultExceptionPolicy();
  const nowMs = Date.parse(options.now);
  return (await exceptionRows(reader, filter))
    .map((row) => toQueueItem(row, policy, nowMs))
    .filter(
      (item) =>
        (filter.ownerRole === undefined || item.owner_role === filter.ownerRole) &&
        (filter.assignee === undefined || item.assignee === filter.assignee),
    )
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        (a.opened_at ?? '').localeCompare(b.opened_at ?? '') ||
        a.exception_id.localeCompare(b.exception_id),
    );
}

// ---------------------------------------------------------------------------------------------------------
// events

function openedEvent(
  row: ExceptionRow,
  policy: ExceptionPolicy,
  now: string,
  actor: string,
): WorkflowEventBody {
  const rules = rulesFor(policy, row.exception_type, row.severity);
  const openedAt =
    row.opened_at !== null && row.opened_at.getTime() <= Date.parse(now) ? row.opened_at : null;
  const optional = (key: string, value: unknown) =>
    value === null || value === undefined ? {} : { [key]: value };
  return {
    // Deterministic: opening the same exception twice is a duplicate, never a second exception.
    event_id: `wfx-open-${row.exception_id}`,
    type: 'exception_opened',
    occurred_at: openedAt?.toISOString() ?? now,
    actor,
    exception_id: row.exception_id,
    exception_type: row.exception_type,
    severity: row.severity,
    condition_key: row.condition_key,
    owner_role: rules.owner,
    sla_hours: rules.slaHours,
    ...optional('sku', row.sku),
    ...optional('node_id', row.node_id),
    ...optional('order_id', row.order_id),
    ...optional('line_id', row.line_id),
    ...optional('po_id', row.po_id),
    ...optional('transfer_id', row.transfer_id),
    revenue_at_risk: Math.max(0, num(row.revenue_at_risk)),
    promises_affected: num(row.promises_affected),
    detail: {
      opened_at: row.opened_at?.toISOString() ?? null,
      qty: row.qty === null ? null : Number(row.qty),
      value: row.value,
      condition: row.detail === null ? null : JSON.parse(row.detail),
    },
  };
}

function escalations(
  row: ExceptionRow,
  policy: ExceptionPolicy,
  nowMs: number,
  actor: string,
): WorkflowEventBody[] {
  if (row.status === 'resolved') return [];
  const rules = rulesFor(policy, row.exception_type, row.severity);
  const slaHours = row.sla_hours ?? rules.slaHours;
  let level = num(row.escalation_level);
  const start = row.last_escalated_at?.getTime() ?? row.opened_at?.getTime();
  if (start === undefined) return [];
  let base: number = start;
  const events: WorkflowEventBody[] = [];
  while (level + 1 < rules.chain.length) {
    const due: number = base + slaHours * HOUR_MS;
    if (due >= nowMs) break;
    const dueAt = new Date(due).toISOString();
    events.push({
      event_id: `wfx-esc-${row.exception_id}-${level + 1}`,
      type: 'exception_escalated',
      occurred_at: dueAt,
      actor,
      exception_id: row.exception_id,
      from_role: rules.chain[level]!,
      to_role: rules.chain[level + 1]!,
      level: level + 1,
      due_at: dueAt,
    });
    level++;
    base = due;
  }
  return events;
}

export interface SyncOptions {
  /** Business time of the sync (default: the business clock, src/clock). Nothing is dated after it. */
  now?: string;
  policy?: ExceptionPolicy;
  actor?: string;
}

export interface SyncReport {
  now: string;
  opened: number;
  autoResolved: number;
  escalated: number;
  /** Cleared conditions whose last action is after `now` (a clock set back): resolved by a later sync. */
  deferred: number;
}

/** Brings the tracked exceptions up to date with the conditions and the clock (see the module comment). */
export async function syncExceptions(warehouse: Warehouse, options: SyncOptions = {}): Promise<SyncReport> {
  const now = await businessNow(warehouseReader(warehouse), options.now);
  const nowMs = Date.parse(now);
  const policy = options.policy ?? defaultExceptionPolicy();
  const actor = options.actor ?? 'workflow';
  const rows = await exceptionRows(warehouseReader(warehouse), { status: 'unresolved' });
  const events: WorkflowEventBody[] = [];
  const report: SyncReport = { now, opened: 0, autoResolved: 0, escalated: 0, deferred: 0 };
  for (const row of rows) {
    if (row.condition_active && !row.tracked) {
      events.push(openedEvent(row, policy, now, actor));
      report.opened++;
    }
    if (row.tracked && !row.condition_active) {
      // Never dated after the clock, nor before the exception's last action: wait for the clock to pass it.
      if (row.last_action_at !== null && row.last_action_at.getTime() > nowMs) {
        report.deferred++;
        continue;
      }
      events.push({
        event_id: `wfx-clear-${row.exception_id}-${randomUUID()}`,
        type: 'exception_resolved',
        occurred_at: now,
        actor,
        exception_id: row.exception_id,
        resolution_code: 'condition_cleared',
        note: 'the condition cleared',
      });
      report.autoResolved++;
      continue;
    }
    const escalated = escalations(row, policy, nowMs, actor);
    events.push(...escalated);
    report.escalated += escalated.length;
  }
  await landEvents(warehouse, events);
  return report;
}

// ---------------------------------------------------------------------------------------------------------
// actions

export interface ExceptionActionInput {
  exceptionId: string;
  action: Exclude<ExceptionAction, 'escalate'>;
  actor: string;
  /** The actor's role (the API key's role; on the CLI `--role`, default admin). */
  role: string;
  /** Business time of the action (default: the business clock). */
  at?: string;
  note?: string;
  /** resolve: the resolution code (default `fixed`). */
  code?: ExceptionResolutionCode;
  /** assign: who works it. */
  assignee?: string;
  policy?: ExceptionPolicy;
}

export interface ActionResult {
  exceptionId: string;
  status: ExceptionStatus;
  events: string[];
}

/** A tracked exception's state (sql/workflow/tracked_exception.sql). */
interface TrackedState {
  exception_id: string;
  exception_type: string;
  severity: string;
  status: ExceptionStatus;
  escalation_level: number | bigint;
  last_action_at: Date | null;
}

const EVENT_TYPE: Record<ExceptionActionInput['action'], string> = {
  acknowledge: 'exception_acknowledged',
  assign: 'exception_assigned',
  resolve: 'exception_resolved',
  reopen: 'exception_reopened',
};

/** Acknowledge, assign, resolve or reopen one exception (opening its tracking first when needed). */
export async function actOnException(
  warehouse: Warehouse,
  input: ExceptionActionInput,
): Promise<ActionResult> {
  const policy = input.policy ?? defaultExceptionPolicy();
  // A tracked exception's state comes from its own events; only an untracked one needs the conditions.
  const trackedState = async (exceptionId: string) =>
    (await warehouse.all<TrackedState>(workflowSql('tracked_exception'), { exception_id: exceptionId }))[0];
  let state = await trackedState(input.exceptionId);
  let row: TrackedState | ExceptionRow | undefined =
    state ??
    (await exceptionRows(warehouseReader(warehouse), { exceptionId: input.exceptionId, status: 'all' }))[0];
  // The allocator prints its own ids (backorder:ORDER:LINE): they name the queue's exception too.
  if (row !== undefined && row.exception_id !== input.exceptionId) {
    state = await trackedState(row.exception_id);
    if (state !== undefined) row = state;
  }
  if (row === undefined) {
    throw new WorkflowError(
      'not_found',
      `No exception ${input.exceptionId} (list them with retailos exceptions list).`,
    );
  }
  const rules = rulesFor(policy, row.exception_type, row.severity);
  const level = num(row.escalation_level);
  if (!mayAct(input.role, rules.chain, level)) {
    throw new WorkflowError(
      'forbidden',
      `The role ${input.role} may not act on exception ${row.exception_id} ` +
        `(${row.exception_type}, owned by ${rules.chain[Math.min(level, rules.chain.length - 1)]}; ` +
        `roles: ${rules.chain.slice(0, level + 1).join(', ')}, admin).`,
    );
  }
  const next = transition(row.exception_id, row.status, input.action);
  if (input.action === 'assign' && (input.assignee === undefined || input.assignee.trim() === '')) {
    throw new WorkflowError('invalid', 'assign needs an assignee.');
  }
  const at = input.at === undefined ? await businessNow(warehouseReader(warehouse)) : checkedTime(input.at);
  if (row.last_action_at !== null && Date.parse(at) < row.last_action_at.getTime()) {
    throw new WorkflowError(
      'invalid',
      `The action's time ${at} is before the exception's last action (${row.last_action_at.toISOString()}).`,
    );
  }
  const events: WorkflowEventBody[] = [];
  if (state === undefined) events.push(openedEvent(row as ExceptionRow, policy, at, input.actor));
  const body: WorkflowEventBody = {
    event_id: `wfx-${input.action}-${randomUUID()}`,
    type: EVENT_TYPE[input.action],
    occurred_at: at,
    actor: input.actor,
    exception_id: row.exception_id,
  };
  if (input.action === 'assign') body.assignee = input.assignee;
  if (input.action === 'resolve') body.resolution_code = input.code ?? 'fixed';
  if (input.note !== undefined && input.note.trim() !== '') body.note = input.note;
  events.push(body);
  await landEvents(warehouse, events);
  return { exceptionId: row.exception_id, status: next, events: events.map((event) => event.event_id) };
}

function checkedTime(value: string): string {
  try {
    return isoTime(value);
  } catch {
    throw new WorkflowError(
      'invalid',
      `Not a timestamp: ${JSON.stringify(value)} (use ISO-8601, e.g. 2025-03-01T08:00:00Z).`,
    );
  }
}
