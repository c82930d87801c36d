/**
 * The approval policy (`config/approvals.json`, validated here): what needs approval, how many approvals,
 * and each role's limit per kind. Evaluation is pure (`evaluate`, `checkDecision`), so thresholds are tested
 * without a warehouse.
 *
 * - purchase orders / transfers: amount (money) above `approval_above` needs one approval, above
 *   `two_step_above` two;
 * - markdowns: the price cut in % of the current price, likewise with `_pct` thresholds;
 * - orders: high risk when the value is above `value_above`, a line's quantity above `line_qty_above`, or
 *   express to a region never shipped to before (`new_region_express`); two approvals above `two_step_above`.
 *
 * Limits: `null` is unlimited; a role without an entry for a kind cannot decide it. The final approval needs
 * a limit at or above the amount; the first of two may come from any role with an entry (the planner's
 * operational check before finance). Segregation of duties: the requester never decides, and one person
 * never gives both approvals.
 */
import path from 'node:path';
import * as z from 'zod';
import type { ApprovalKind } from '../contracts/index.ts';
import { CONFIG_DIR, loadConfig } from './config.ts';
import { WorkflowError } from './errors.ts';

const amount = z.number().min(0).max(1e12);
const limit = amount.nullable();
const pct = z.number().min(0).max(100);

export const approvalPolicySchema = z.strictObject({
  role_limits: z.record(
    z.string().min(1).max(64),
    z.strictObject({
      purchase_order: limit.optional(),
      transfer: limit.optional(),
      markdown_pct: pct.nullable().optional(),
      high_risk_order: limit.optional(),
    }),
  ),
  purchase_order: z.strictObject({ approval_above: amount, two_step_above: amount }),
  transfer: z.strictObject({ approval_above: amount, two_step_above: amount }),
  markdown: z.strictObject({ approval_above_pct: pct, two_step_above_pct: pct }),
  high_risk_order: z.strictObject({
    value_above: amount,
    line_qty_above: z.number().int().min(0),
    new_region_express: z.boolean(),
    two_step_above: amount,
  }),
});

export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;

export const APPROVAL_POLICY_FILE = path.join(CONFIG_DIR, 'approvals.json');

let cached: ApprovalPolicy | undefined;

export function defaultApprovalPolicy(): ApprovalPolicy {
  cached ??= loadConfig(approvalPolicySchema, APPROVAL_POLICY_FILE);
  return cached;
}

export interface Evaluation {
  requiredApprovals: number;
  /** Which rule decided, in words (recorded on the request). */
  rule: string;
}

function steps(value: number, one: number, two: number, unit: string, what: string): Evaluation {
  if (value > two)
    return { requiredApprovals: 2, rule: `${what} ${value}${unit} above ${two}${unit}: two approvals` };
  if (value > one)
    return { requiredApprovals: 1, rule: `${what} ${value}${unit} above ${one}${unit}: one approval` };
  return { requiredApprovals: 0, rule: `${what} ${value}${unit} within ${one}${unit}: no approval needed` };
}

/** Purchase orders, transfers and markdowns. */
export function evaluate(
  policy: ApprovalPolicy,
  kind: Exclude<ApprovalKind, 'high_risk_order'>,
  value: number,
): Evaluation {
  switch (kind) {
    case 'purchase_order':
      return steps(
        value,
        policy.purchase_order.approval_above,
        policy.purchase_order.two_step_above,
        '',
        'purchase value',
      );
    case 'transfer':
      return steps(
        value,
        policy.transfer.approval_above,
        policy.transfer.two_step_above,
        '',
        'transfer value',
      );
    case 'markdown':
      return steps(
        value,
        policy.markdown.approval_above_pct,
        policy.markdown.two_step_above_pct,
        '%',
        'markdown',
      );
  }
}

export interface OrderFacts {
  value: number;
  maxLineQty: number;
  serviceLevel: string;
  /** No earlier order shipped to this region. */
  newRegion: boolean;
}

/** High-risk orders: the reasons found (empty: not risky) and the approvals needed. */
export function evaluateOrder(policy: ApprovalPolicy, order: OrderFacts): Evaluation & { reasons: string[] } {
  const rules = policy.high_risk_order;
  const reasons: string[] = [];
  if (order.value > rules.value_above) reasons.push(`order value ${order.value} above ${rules.value_above}`);
  if (order.maxLineQty > rules.line_qty_above) {
    reasons.push(`a line of ${order.maxLineQty} units (above ${rules.line_qty_above})`);
  }
  if (rules.new_region_express && order.serviceLevel === 'express' && order.newRegion) {
    reasons.push('express to a region never shipped to before');
  }
  if (reasons.length === 0) return { requiredApprovals: 0, rule: 'not high risk', reasons };
  const two = order.value > rules.two_step_above;
  return {
    requiredApprovals: two ? 2 : 1,
    rule: `high-risk order (${reasons.join('; ')})${two ? `, value above ${rules.two_step_above}: two approvals` : ''}`,
    reasons,
  };
}

function limitKey(kind: ApprovalKind): 'purchase_order' | 'transfer' | 'markdown_pct' | 'high_risk_order' {
  return kind === 'markdown' ? 'markdown_pct' : kind;
}

/** A role's limit for a kind: a number, null (unlimited), or undefined (may not decide it). */
export function roleLimit(
  policy: ApprovalPolicy,
  role: string,
  kind: ApprovalKind,
): number | null | undefined {
  return policy.role_limits[role]?.[limitKey(kind)];
}

export interface DecisionCheck {
  kind: ApprovalKind;
  requestId: string;
  /** Money, or the markdown's % for markdowns. */
  value: number;
  requiredApprovals: number;
  approvalsSoFar: number;
  requestedBy: string;
  approvedBy: readonly string[];
  actor: string;
  role: string;
  decision: 'approve' | 'reject';
}

/** Throws a WorkflowError (forbidden) unless `actor` in `role` may take this decision now. */
export function checkDecision(policy: ApprovalPolicy, check: DecisionCheck): void {
  if (check.actor === check.requestedBy) {
    throw new WorkflowError(
      'forbidden',
      `${check.actor} requested ${check.requestId} and cannot decide it (segregation of duties).`,
    );
  }
  if (check.decision === 'approve' && check.approvedBy.includes(check.actor)) {
    throw new WorkflowError(
      'forbidden',
      `${check.actor} already approved ${check.requestId}; the second approval must come from someone else.`,
    );
  }
  const limit = roleLimit(policy, check.role, check.kind);
  if (limit === undefined) {
    throw new WorkflowError('forbidden', `The role ${check.role} may not decide ${check.kind} requests.`);
  }
  const final = check.decision === 'approve' && check.approvalsSoFar + 1 >= check.requiredApprovals;
  if (final && limit !== null && check.value > limit) {
    const unit = check.kind === 'markdown' ? '%' : '';
    throw new WorkflowError(
      'forbidden',
      `${check.requestId} is ${check.value}${unit}, above the ${check.role} limit of ${limit}${unit} for ${check.kind}: ` +
        `it needs a role with a higher limit (${higherRoles(policy, check.kind, check.value).join(', ') || 'none'}).`,
    );
  }
}

function higherRoles(policy: ApprovalPolicy, kind: ApprovalKind, value: number): string[] {
  return Object.keys(policy.role_limits).filter((role) => {
    const limit = roleLimit(policy, role, kind);
    return limit === null || (limit !== undefined && limit >= value);
  });
}
