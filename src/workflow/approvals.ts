/**
 * Approvals (docs/workflow.md, the stable interface at its top): `requestApproval`, `decide`, `cancelApproval`,
 * `listApprovals`, `screenOrders`. Requests and decisions are workflow events (`approval_requested`,
 * `approval_decided`, `approval_cancelled`); the state is the `workflow_approvals` view over them. Requests
 * are judged on the warehouse's amounts (`valuation.ts`), never on the requester's. An approved
 * request's action lands in the same batch as the decision that approved it:
 * - purchase order → `po_created`;
 * - transfer → `transfer_shipped`-ready instructions (recorded in the decision's `outcome`: the WMS sends
 *   the shipment when the goods leave);
 * - markdown → `price_changed` (reason `markdown`);
 * - high-risk order → its fulfilment hold lifts (`fulfilment_holds`); rejected → `order_cancelled`.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type ApprovalKind, formatIssues, validateEvent } from '../contracts/index.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { businessNow, isoTime } from './clock.ts';
import { WorkflowError } from './errors.ts';
import { landEvents, type WorkflowEventBody } from './land.ts';
import {
  type ApprovalPolicy,
  checkDecision,
  defaultApprovalPolicy,
  type Evaluation,
  evaluate,
  evaluateOrder,
} from './policy.ts';
import { type Reader, warehouseReader } from './reader.ts';
import { workflowSql } from './sql.ts';
import {
  type Amount,
  landedKey,
  landedLines,
  landedValue,
  type PurchaseFields,
  priceChangeAmount,
  purchaseAmount,
  round2,
  transferAmount,
  valuationFacts,
  withLanded,
} from './valuation.ts';

const json = z.record(z.string(), z.unknown());

/**
 * An action carries its event's fields and nothing else: amounts a requester might add to argue for a
 * lower tier are refused — by name for the usual ones (a 400 that says why), and any other unknown field
 * too — because the policy values every action from the warehouse (`valuation.ts`).
 */
const CLAIMED_AMOUNTS = [
  'current_price',
  'list_price',
  'unit_value',
  'unit_cost',
  'avg_unit_cost',
  'value',
  'total_value',
  'amount',
  'markdown_pct',
] as const;
const NOT_ACCEPTED =
  'not accepted: the policy takes every amount (current price, unit cost, value) from the warehouse';

function action<S extends z.ZodRawShape>(shape: S) {
  const claims = Object.fromEntries(
    CLAIMED_AMOUNTS.map((name) => [name, z.never({ error: `${name} ${NOT_ACCEPTED}` }).optional()]),
  ) as Record<(typeof CLAIMED_AMOUNTS)[number], z.ZodOptional<z.ZodNever>>;
  return z.strictObject(
    { ...claims, ...shape },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `${issue.keys.join(', ')} ${NOT_ACCEPTED}; an action carries only its event`
          : undefined,
    },
  );
}

/** What an approved request does. Field shapes are the contract's (checked against its schemas). */
export const approvalActionSchema = z.discriminatedUnion('type', [
  action({ type: z.literal('po_created'), po: json }),
  action({ type: z.literal('transfer'), transfer: json }),
  action({ type: z.literal('price_changed'), price: json }),
  action({
    type: z.literal('order_release'),
    order: z.strictObject({ order_id: z.string().min(1) }),
  }),
]);
export type ApprovalAction = z.infer<typeof approvalActionSchema>;

const ACTION_OF_KIND: Record<ApprovalKind, ApprovalAction['type']> = {
  purchase_order: 'po_created',
  transfer: 'transfer',
  markdown: 'price_changed',
  high_risk_order: 'order_release',
};

export const approvalRequestSchema = z.strictObject({
  requestId: z.string().min(1).max(100).optional(),
  kind: z.enum(['purchase_order', 'transfer', 'markdown', 'high_risk_order']),
  requestedBy: z.string().min(1).max(128),
  action: approvalActionSchema,
  recommendation: json.optional(),
  context: json.optional(),
  at: z.string().optional(),
});
export type ApprovalRequestInput = z.input<typeof approvalRequestSchema>;

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface ApprovalRequestResult {
  requestId: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  amount: number;
  markdownPct: number | null;
  requiredApprovals: number;
  approvals: number;
  rule: string;
  /** Event ids this call landed. */
  emitted: string[];
  /** For approved transfers: the `transfer_shipped` body to send when the goods leave. */
  instructions?: Record<string, unknown>;
}

export interface ApprovalRow {
  request_id: string;
  kind: ApprovalKind;
  amount: number;
  markdown_pct: number | null;
  required_approvals: number;
  approvals: number;
  status: ApprovalStatus;
  rule: string;
  order_id: string | null;
  requested_by: string;
  requested_at: string;
  decided_at: string | null;
  cancel_reason: string | null;
  action: unknown;
  recommendation: unknown;
  context: unknown;
  decisions: { actor: string; role: string; decision: string; step: number; reason: string; at: string }[];
  outcome: unknown;
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function toApprovalRow(row: Record<string, unknown>): ApprovalRow {
  const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as string | null));
  return {
    ...(row as unknown as ApprovalRow),
    amount: Number(row.amount),
    markdown_pct: row.markdown_pct === null ? null : Number(row.markdown_pct),
    required_approvals: Number(row.required_approvals),
    approvals: Number(row.approvals),
    requested_at: iso(row.requested_at)!,
    decided_at: iso(row.decided_at),
    action: parseJson(row.action),
    recommendation: parseJson(row.recommendation),
    context: parseJson(row.context),
    decisions: parseJson(row.decisions) as ApprovalRow['decisions'],
    outcome: parseJson(row.outcome),
  };
}

export interface ApprovalFilter {
  requestId?: string | undefined;
  status?: string | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Requests, newest first. */
export async function listApprovals(reader: Reader, filter: ApprovalFilter = {}): Promise<ApprovalRow[]> {
  const rows = await reader.all(workflowSql('approvals'), {
    request_id: filter.requestId ?? null,
    status: filter.status ?? null,
    kind: filter.kind ?? null,
    limit: filter.limit ?? 1000,
    offset: filter.offset ?? 0,
  });
  return rows.map(toApprovalRow);
}

async function findRequest(warehouse: Warehouse, requestId: string): Promise<ApprovalRow | undefined> {
  return (await listApprovals(warehouseReader(warehouse), { requestId }))[0];
}

// ---------------------------------------------------------------------------------------------------------
// the action's event, checked against the contract

function contractEvent(
  type: string,
  fields: Record<string, unknown>,
  envelope: WorkflowEventBody,
): WorkflowEventBody {
  const event = { ...envelope, type, ...fields } as WorkflowEventBody;
  const result = validateEvent({ source: 'workflow', ...event });
  if (!result.ok) {
    throw new WorkflowError('invalid', `The request's ${type} is not valid: ${formatIssues(result.errors)}`);
  }
  return event;
}

interface Valued {
  value: number;
  markdownPct: number | null;
  evaluation: Evaluation;
  orderId: string | null;
}

/**
 * Values an action from the warehouse (`valuation.ts`) once its event has passed the contract, so every
 * field read here has the contract's type. Unknown skus and nodes are refused, never valued at 0.
 */
async function valuation(
  warehouse: Warehouse,
  policy: ApprovalPolicy,
  action: ApprovalAction,
  event: WorkflowEventBody | undefined,
  context: Record<string, unknown> | undefined,
  at: string,
): Promise<Valued> {
  const reader = warehouseReader(warehouse);
  const judged = (kind: 'purchase_order' | 'transfer' | 'markdown', result: Amount): Valued => {
    if (!result.ok)
      throw new WorkflowError('invalid', `Cannot value this ${kind} request: ${result.problem}.`);
    const evaluation = evaluate(policy, kind, kind === 'markdown' ? result.markdownPct! : result.value);
    return {
      value: result.value,
      markdownPct: result.markdownPct,
      evaluation: { ...evaluation, rule: `${evaluation.rule} (${result.basis})` },
      orderId: null,
    };
  };
  const now = await businessNow(reader);
  switch (action.type) {
    case 'po_created': {
      const po = event as unknown as PurchaseFields;
      // earlier po_created events of this po_id add up in the ledger: the PO is judged whole
      const landed = await landedLines(reader, {
        poIds: [po.po_id],
        transferIds: [],
        excludeEventIds: [event!.event_id],
      });
      const facts = await valuationFacts(
        reader,
        [
          ...po.lines.map((line) => ({ sku: line.sku, node_id: po.node_id, at })),
          ...landed.map((line) => landedKey(line, now)),
        ],
        now,
      );
      const own = purchaseAmount(po, facts);
      const before = landed.reduce((sum, line, i) => sum + landedValue(line, facts[po.lines.length + i]!), 0);
      return judged('purchase_order', withLanded(own, before, `ordered under ${po.po_id} before`));
    }
    case 'transfer': {
      const t = event as unknown as Parameters<typeof transferAmount>[0];
      const [facts] = await valuationFacts(
        reader,
        [{ sku: t.sku, node_id: t.from_node_id, to_node_id: t.to_node_id, at }],
        now,
      );
      return judged('transfer', transferAmount(t, facts!));
    }
    case 'price_changed': {
      const p = event as unknown as Parameters<typeof priceChangeAmount>[0];
      const [facts] = await valuationFacts(
        reader,
        [{ sku: p.sku, channel_id: p.channel_id, at, prices: true }],
        now,
      );
      return judged('markdown', priceChangeAmount(p, facts!));
    }
    case 'order_release': {
      const facts = await orderFacts(warehouse, action.order.order_id);
      if (facts === undefined) throw new WorkflowError('not_found', `No order ${action.order.order_id}.`);
      const evaluation = evaluateOrder(policy, facts);
      // asked explicitly (context.force): hold it even when the rules find no risk
      const forced = context?.force === true && evaluation.requiredApprovals === 0;
      return {
        value: facts.value,
        markdownPct: null,
        evaluation: forced ? { requiredApprovals: 1, rule: 'held on request' } : evaluation,
        orderId: action.order.order_id,
      };
    }
  }
}

async function orderFacts(
  warehouse: Warehouse,
  orderId: string,
): Promise<(import('./policy.ts').OrderFacts & { channelId: string; region: string }) | undefined> {
  const row = await warehouse.one<Record<string, unknown>>(workflowSql('order_facts'), { order_id: orderId });
  if (row === undefined) return undefined;
  return {
    value: Number(row.value),
    maxLineQty: Number(row.max_line_qty),
    serviceLevel: row.service_level as string,
    newRegion: row.new_region as boolean,
    channelId: row.channel_id as string,
    region: row.ship_to_region as string,
  };
}

function defaultRequestId(kind: ApprovalKind, action: ApprovalAction): string {
  switch (action.type) {
    case 'po_created':
      return `apr-po-${String(action.po.po_id)}`;
    case 'transfer':
      return `apr-tr-${String(action.transfer.transfer_id)}`;
    case 'order_release':
      return `apr-order-${action.order.order_id}`;
    default:
      return `apr-${kind}-${createHash('sha256').update(JSON.stringify(action)).digest('hex').slice(0, 16)}`;
  }
}

/** The action's contract event, validated (so a bad action is refused when asked, not when approved). */
function actionEvent(
  requestId: string,
  action: ApprovalAction,
  envelope: { occurred_at: string; actor: string },
): WorkflowEventBody | undefined {
  const base = { event_id: `wf-act-${requestId}`, type: '', ...envelope };
  switch (action.type) {
    case 'po_created':
      return contractEvent('po_created', action.po, base);
    case 'price_changed':
      return contractEvent('price_changed', { reason: 'markdown', ...action.price }, base);
    case 'transfer':
      return contractEvent('transfer_shipped', action.transfer, base);
    case 'order_release':
      return undefined;
  }
}

/** The events an approved action lands (and transfer instructions), or a rejected order's cancellation. */
function actionEvents(
  requestId: string,
  action: ApprovalAction,
  decision: 'approve' | 'reject',
  envelope: { occurred_at: string; actor: string },
  reason: string,
): { events: WorkflowEventBody[]; outcome: Record<string, unknown> } {
  if (decision === 'reject') {
    if (action.type !== 'order_release') return { events: [], outcome: {} };
    const event = contractEvent(
      'order_cancelled',
      { order_id: action.order.order_id, reason: `high-risk order rejected: ${reason}`.slice(0, 1000) },
      { event_id: `wf-act-${requestId}`, type: '', ...envelope },
    );
    return { events: [event], outcome: { events: [event.event_id] } };
  }
  const event = actionEvent(requestId, action, envelope);
  switch (action.type) {
    case 'po_created':
    case 'price_changed':
      return { events: [event!], outcome: { events: [event!.event_id] } };
    case 'transfer': {
      const { actor: _actor, ...body } = event!;
      return { events: [], outcome: { instructions: body } };
    }
    case 'order_release':
      return { events: [], outcome: { released: action.order.order_id } };
  }
}

function resultOf(row: ApprovalRow, emitted: string[]): ApprovalRequestResult {
  const outcome = (row.outcome ?? {}) as { instructions?: Record<string, unknown> };
  return {
    requestId: row.request_id,
    kind: row.kind,
    status: row.status,
    amount: row.amount,
    markdownPct: row.markdown_pct,
    requiredApprovals: row.required_approvals,
    approvals: row.approvals,
    rule: row.rule,
    emitted,
    ...(outcome.instructions ? { instructions: outcome.instructions } : {}),
  };
}

export interface ApprovalOptions {
  policy?: ApprovalPolicy;
}

/** The events of a new request: `approval_requested`, and when no approval is needed its action at once. */
function requestEvents(
  requestId: string,
  request: {
    kind: ApprovalKind;
    requestedBy: string;
    action: ApprovalAction;
    recommendation?: Record<string, unknown> | undefined;
    context?: Record<string, unknown> | undefined;
    at: string;
  },
  valued: Valued,
): WorkflowEventBody[] {
  const envelope = { occurred_at: request.at, actor: request.requestedBy };
  const events: WorkflowEventBody[] = [
    {
      event_id: `wf-req-${requestId}`,
      type: 'approval_requested',
      ...envelope,
      request_id: requestId,
      kind: request.kind,
      amount: valued.value,
      ...(valued.markdownPct === null ? {} : { markdown_pct: valued.markdownPct }),
      required_approvals: valued.evaluation.requiredApprovals,
      rule: valued.evaluation.rule,
      ...(valued.orderId === null ? {} : { order_id: valued.orderId }),
      action: request.action,
      ...(request.recommendation ? { recommendation: request.recommendation } : {}),
      ...(request.context ? { context: request.context } : {}),
    },
  ];
  // Validate the action against the contract now, not when someone approves it weeks later.
  const effect = actionEvents(requestId, request.action, 'approve', envelope, '');
  if (valued.evaluation.requiredApprovals === 0) {
    events.push(...effect.events, {
      event_id: `wf-dec-${requestId}-0`,
      type: 'approval_decided',
      occurred_at: request.at,
      actor: 'workflow',
      request_id: requestId,
      decision: 'approve',
      step: 0,
      role: 'policy',
      reason: valued.evaluation.rule,
      outcome: effect.outcome,
    });
  }
  return events;
}

/**
 * Asks for approval of an action. Idempotent per request id (asking again returns the request as it
 * stands). Below the policy's threshold the request is approved at once and its action lands.
 */
export async function requestApproval(
  warehouse: Warehouse,
  input: ApprovalRequestInput,
  options: ApprovalOptions = {},
): Promise<ApprovalRequestResult> {
  const parsed = approvalRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new WorkflowError(
      'invalid',
      `Invalid approval request: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`,
    );
  }
  const request = parsed.data;
  if (ACTION_OF_KIND[request.kind] !== request.action.type) {
    throw new WorkflowError(
      'invalid',
      `A ${request.kind} request takes an action of type ${ACTION_OF_KIND[request.kind]}, got ${request.action.type}.`,
    );
  }
  const policy = options.policy ?? defaultApprovalPolicy();
  const requestId = request.requestId ?? defaultRequestId(request.kind, request.action);
  const existing = await findRequest(warehouse, requestId);
  if (existing !== undefined) return resultOf(existing, []);

  const at =
    request.at === undefined ? await businessNow(warehouseReader(warehouse)) : checkedTime(request.at);
  const event = actionEvent(requestId, request.action, { occurred_at: at, actor: request.requestedBy });
  const valued = await valuation(warehouse, policy, request.action, event, request.context, at);
  const events = requestEvents(requestId, { ...request, at }, valued);
  await landEvents(warehouse, events);
  const row = await findRequest(warehouse, requestId);
  return resultOf(
    row!,
    events.map((event) => event.event_id),
  );
}

export interface DecisionInput {
  requestId: string;
  decision: 'approve' | 'reject';
  actor: string;
  role: string;
  reason: string;
  at?: string;
}

/** Approves or rejects a pending request (role limits, two steps, segregation of duties). */
export async function decide(
  warehouse: Warehouse,
  input: DecisionInput,
  options: ApprovalOptions = {},
): Promise<ApprovalRequestResult> {
  const policy = options.policy ?? defaultApprovalPolicy();
  const row = await findRequest(warehouse, input.requestId);
  if (row === undefined) {
    throw new WorkflowError(
      'not_found',
      `No approval request ${input.requestId} (list them with retailos approvals list).`,
    );
  }
  if (row.status !== 'pending') {
    throw new WorkflowError(
      'invalid_transition',
      `Approval request ${row.request_id} is ${row.status} already.`,
    );
  }
  if (input.reason.trim() === '') throw new WorkflowError('invalid', 'A decision needs a reason.');
  checkDecision(policy, {
    kind: row.kind,
    requestId: row.request_id,
    value: row.kind === 'markdown' ? (row.markdown_pct ?? 0) : row.amount,
    requiredApprovals: row.required_approvals,
    approvalsSoFar: row.approvals,
    requestedBy: row.requested_by,
    approvedBy: row.decisions.filter((d) => d.decision === 'approve').map((d) => d.actor),
    actor: input.actor,
    role: input.role,
    decision: input.decision,
  });
  const at = input.at === undefined ? await businessNow(warehouseReader(warehouse)) : checkedTime(input.at);
  const last = row.decisions.at(-1)?.at ?? row.requested_at;
  if (Date.parse(at) < Date.parse(last)) {
    throw new WorkflowError(
      'invalid',
      `The decision's time ${at} is before the request's last event (${last}).`,
    );
  }
  const final = input.decision === 'reject' || row.approvals + 1 >= row.required_approvals;
  const effect = final
    ? actionEvents(
        row.request_id,
        approvalActionSchema.parse(row.action),
        input.decision,
        { occurred_at: at, actor: input.actor },
        input.reason,
      )
    : { events: [], outcome: undefined };
  const step = row.approvals + 1;
  const events: WorkflowEventBody[] = [
    ...effect.events,
    {
      event_id: `wf-dec-${row.request_id}-${input.decision === 'approve' ? step : `r${randomUUID()}`}`,
      type: 'approval_decided',
      occurred_at: at,
      actor: input.actor,
      request_id: row.request_id,
      decision: input.decision,
      step,
      role: input.role,
      reason: input.reason,
      ...(effect.outcome === undefined ? {} : { outcome: effect.outcome }),
    },
  ];
  await landEvents(warehouse, events);
  return resultOf(
    (await findRequest(warehouse, row.request_id))!,
    events.map((event) => event.event_id),
  );
}

/** Withdraws a pending request (its requester, or admin). */
export async function cancelApproval(
  warehouse: Warehouse,
  input: { requestId: string; actor: string; role: string; reason: string; at?: string },
): Promise<ApprovalRequestResult> {
  const row = await findRequest(warehouse, input.requestId);
  if (row === undefined) throw new WorkflowError('not_found', `No approval request ${input.requestId}.`);
  if (row.status !== 'pending') {
    throw new WorkflowError(
      'invalid_transition',
      `Approval request ${row.request_id} is ${row.status} already.`,
    );
  }
  if (input.actor !== row.requested_by && input.role !== 'admin') {
    throw new WorkflowError(
      'forbidden',
      `Only ${row.requested_by} (the requester) or admin may cancel ${row.request_id}.`,
    );
  }
  const at = input.at === undefined ? await businessNow(warehouseReader(warehouse)) : checkedTime(input.at);
  const event: WorkflowEventBody = {
    event_id: `wf-cancel-${row.request_id}`,
    type: 'approval_cancelled',
    occurred_at: at,
    actor: input.actor,
    request_id: row.request_id,
    reason: input.reason,
  };
  await landEvents(warehouse, [event]);
  return resultOf((await findRequest(warehouse, row.request_id))!, [event.event_id]);
}

/**
 * Puts every high-risk order not screened yet on a fulfilment hold (an approval request; the allocator
 * skips held orders). Returns the requests made.
 */
export async function screenOrders(
  warehouse: Warehouse,
  options: ApprovalOptions & { at?: string; actor?: string } = {},
): Promise<ApprovalRequestResult[]> {
  const policy = options.policy ?? defaultApprovalPolicy();
  const candidates = await warehouse.all<Record<string, unknown>>(workflowSql('orders_to_screen'), {
    value_above: policy.high_risk_order.value_above,
    line_qty_above: policy.high_risk_order.line_qty_above,
    new_region_express: policy.high_risk_order.new_region_express,
  });
  // One batch for every hold: screening a day of orders is one landing, not one per order.
  const events: WorkflowEventBody[] = [];
  const ids: string[] = [];
  for (const row of candidates) {
    const facts = {
      value: Number(row.value),
      maxLineQty: Number(row.max_line_qty),
      serviceLevel: row.service_level as string,
      newRegion: row.new_region as boolean,
    };
    const evaluation = evaluateOrder(policy, facts);
    if (evaluation.requiredApprovals === 0) continue;
    const orderId = row.order_id as string;
    const placedAt = (row.placed_at as Date).toISOString();
    const requestId = `apr-order-${orderId}`;
    ids.push(requestId);
    events.push(
      ...requestEvents(
        requestId,
        {
          kind: 'high_risk_order',
          requestedBy: options.actor ?? 'workflow',
          action: { type: 'order_release', order: { order_id: orderId } },
          recommendation: { source: 'order screening', reasons: evaluation.reasons },
          context: {
            ...facts,
            channel_id: row.channel_id,
            ship_to_region: row.ship_to_region,
            placed_at: placedAt,
          },
          at: options.at ?? placedAt,
        },
        { value: round2(facts.value), markdownPct: null, evaluation, orderId },
      ),
    );
  }
  await landEvents(warehouse, events);
  if (ids.length === 0) return [];
  const order = new Map(ids.map((id, index) => [id, index]));
  const rows = (
    await listApprovals(warehouseReader(warehouse), { kind: 'high_risk_order', limit: 1_000_000 })
  ).filter((row) => order.has(row.request_id));
  return rows
    .sort((a, b) => order.get(a.request_id)! - order.get(b.request_id)!)
    .map((row) => resultOf(row, [`wf-req-${row.request_id}`]));
}

function checkedTime(value: string): string {
  try {
    return isoTime(value);
  } catch {
    throw new WorkflowError('invalid', `Not a timestamp: ${JSON.stringify(value)} (use ISO-8601).`);
  }
}
