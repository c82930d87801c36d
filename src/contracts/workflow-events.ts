/**
 * Workflow events (issue 8): exception actions, approval requests and decisions. They extend the contract
 * (new event types, EVENTS.md allows that) and land through the normal path like every other event, so the
 * event log alone reproduces every workflow state. The envelope's `actor` is required: a workflow event
 * without the person (or system) behind it would break the audit trail.
 *
 * Kept apart from `EVENT_SCHEMAS` (the contract v1 tables of EVENTS.md, which tests and the simulator
 * enumerate); `validateEvent` looks both registries up.
 */
import * as z from 'zod';
import { envelopeShape } from './events.ts';
import {
  expectedMessage,
  identifier,
  label,
  money,
  note,
  oneOf,
  percent,
  plannedTimestamp,
  wellFormedJson,
} from './primitives.ts';

export const EXCEPTION_RESOLUTION_CODES = [
  'fixed',
  'stock_corrected',
  'false_alarm',
  'accepted',
  'cancelled',
  'duplicate',
  'condition_cleared',
  'other',
] as const;
export type ExceptionResolutionCode = (typeof EXCEPTION_RESOLUTION_CODES)[number];

export const APPROVAL_KINDS = ['purchase_order', 'transfer', 'markdown', 'high_risk_order'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

const SEVERITIES = ['high', 'medium', 'low'] as const;

/** A JSON object (context, recommendation, detail): free-form by design, but an object of valid Unicode text. */
const jsonObject = wellFormedJson(
  z.record(z.string(), z.unknown(), { error: expectedMessage('a JSON object') }),
);
const level = z.number().int().min(0).max(100);
const count = z.number().int().min(0).max(1_000_000_000);

function defineWorkflowEvent<const T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({
    event_id: envelopeShape.event_id,
    type: z.literal(type, { error: expectedMessage(`"${type}"`) }),
    occurred_at: envelopeShape.occurred_at,
    source: envelopeShape.source,
    actor: envelopeShape.actor.unwrap(),
    ...shape,
  });
}

// ---------------------------------------------------------------------------------------------------------
// exceptions

export const exceptionOpenedSchema = defineWorkflowEvent('exception_opened', {
  exception_id: identifier,
  exception_type: identifier,
  severity: oneOf(SEVERITIES),
  /** Same condition, same key (type and keys, without the opening time): the deduplication key. */
  condition_key: identifier,
  owner_role: identifier,
  sla_hours: z.number().positive().max(100_000),
  sku: identifier.optional(),
  node_id: identifier.optional(),
  order_id: identifier.optional(),
  line_id: identifier.optional(),
  po_id: identifier.optional(),
  transfer_id: identifier.optional(),
  revenue_at_risk: money.optional(),
  promises_affected: count.optional(),
  detail: jsonObject.optional(),
});

export const exceptionAcknowledgedSchema = defineWorkflowEvent('exception_acknowledged', {
  exception_id: identifier,
  note: note.optional(),
});

export const exceptionAssignedSchema = defineWorkflowEvent('exception_assigned', {
  exception_id: identifier,
  assignee: label,
  note: note.optional(),
});

export const exceptionEscalatedSchema = defineWorkflowEvent('exception_escalated', {
  exception_id: identifier,
  from_role: identifier,
  to_role: identifier,
  level,
  due_at: plannedTimestamp,
});

export const exceptionResolvedSchema = defineWorkflowEvent('exception_resolved', {
  exception_id: identifier,
  resolution_code: oneOf(EXCEPTION_RESOLUTION_CODES),
  note: note.optional(),
});

export const exceptionReopenedSchema = defineWorkflowEvent('exception_reopened', {
  exception_id: identifier,
  note: note.optional(),
});

// ---------------------------------------------------------------------------------------------------------
// approvals

export const approvalRequestedSchema = defineWorkflowEvent('approval_requested', {
  request_id: identifier,
  kind: oneOf(APPROVAL_KINDS),
  /** Money for purchases, transfers and orders; the markdown's percentage for markdowns. */
  amount: money,
  markdown_pct: percent.optional(),
  /** Approvals needed (0: approved by policy at once). */
  required_approvals: level,
  /** The policy rule that decided (for the audit trail). */
  rule: note,
  order_id: identifier.optional(),
  action: jsonObject,
  recommendation: jsonObject.optional(),
  context: jsonObject.optional(),
});

export const approvalDecidedSchema = defineWorkflowEvent('approval_decided', {
  request_id: identifier,
  decision: oneOf(APPROVAL_DECISIONS),
  /** 1 for the first approval, 2 for the second of a two-step approval. */
  step: level,
  role: identifier,
  reason: note,
  /** What an approved action produced: event ids landed, or instructions to send. */
  outcome: jsonObject.optional(),
});

export const approvalCancelledSchema = defineWorkflowEvent('approval_cancelled', {
  request_id: identifier,
  reason: note,
});

// ---------------------------------------------------------------------------------------------------------
// registry

export const WORKFLOW_EVENT_SCHEMAS = {
  exception_opened: exceptionOpenedSchema,
  exception_acknowledged: exceptionAcknowledgedSchema,
  exception_assigned: exceptionAssignedSchema,
  exception_escalated: exceptionEscalatedSchema,
  exception_resolved: exceptionResolvedSchema,
  exception_reopened: exceptionReopenedSchema,
  approval_requested: approvalRequestedSchema,
  approval_decided: approvalDecidedSchema,
  approval_cancelled: approvalCancelledSchema,
} as const;

export type WorkflowEventType = keyof typeof WORKFLOW_EVENT_SCHEMAS;
export const WORKFLOW_EVENT_TYPES: readonly WorkflowEventType[] = Object.freeze(
  Object.keys(WORKFLOW_EVENT_SCHEMAS) as WorkflowEventType[],
);
export type WorkflowEventOf<T extends WorkflowEventType> = z.infer<(typeof WORKFLOW_EVENT_SCHEMAS)[T]>;
export type WorkflowEvent = { [T in WorkflowEventType]: WorkflowEventOf<T> }[WorkflowEventType];

export function isWorkflowEventType(value: unknown): value is WorkflowEventType {
  return typeof value === 'string' && Object.hasOwn(WORKFLOW_EVENT_SCHEMAS, value);
}

/** Every workflow event, discriminated on `type`. */
export const workflowEventSchema = z.discriminatedUnion('type', [
  exceptionOpenedSchema,
  exceptionAcknowledgedSchema,
  exceptionAssignedSchema,
  exceptionEscalatedSchema,
  exceptionResolvedSchema,
  exceptionReopenedSchema,
  approvalRequestedSchema,
  approvalDecidedSchema,
  approvalCancelledSchema,
]);
