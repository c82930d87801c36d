/**
 * The recommendation lifecycle through the approval workflow (issue 8, src/workflow/approvals.ts):
 * proposed → approved → ordered, or → rejected. A recommendation becomes approval requests — a purchase
 * order one request (action `po_created`), a transfer one request per sku (the workflow's transfer action
 * is one `transfer_shipped`) — requested by `replenishment`, so the requester never approves its own
 * proposal. The workflow's policy (config/approvals.json) decides what needs a person: below its
 * thresholds a request is approved at once and its action lands (the policy auto-approves); above them
 * it waits for `decide`. The policy judges the warehouse's amounts (docs/workflow.md "Amounts"): a PO line
 * costed below the item's unit_cost is judged at the item's cost, a transfer at the sender's average cost.
 * Approval lands the action, so an approved recommendation is `ordered` at once.
 * The status shown is derived from the workflow's requests (store.ts), so decisions taken through the
 * workflow's own API or CLI show here too.
 */

import { businessNow } from '../clock/business-clock.ts';
import { UserError } from '../warehouse/errors.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import {
  type ApprovalAction,
  type ApprovalRequestResult,
  cancelApproval,
  decide,
  requestApproval,
} from '../workflow/approvals.ts';
import type { ApprovalPolicy } from '../workflow/policy.ts';
import { getRecommendation, type StoredRecommendation, updateStatus } from './store.ts';

export const REQUESTER = 'replenishment';

export interface Decision {
  id: string;
  actor: string;
  role: string;
  reason?: string | undefined;
  /** Business time of the decision (default: the workflow's business now). */
  at?: string | undefined;
}

/** What the lifecycle needs from an approval service. */
export interface RecommendationApprovals {
  request(warehouse: Warehouse, rec: StoredRecommendation, at: string): Promise<StoredRecommendation>;
  approve(warehouse: Warehouse, decision: Decision): Promise<StoredRecommendation>;
  reject(warehouse: Warehouse, decision: Decision): Promise<StoredRecommendation>;
  withdraw(warehouse: Warehouse, rec: StoredRecommendation, reason: string): Promise<void>;
}

interface RequestSpec {
  requestId: string;
  kind: 'purchase_order' | 'transfer';
  action: ApprovalAction;
  ref: string;
}

/** The approval requests a recommendation becomes (deterministic ids: asking twice returns the same). */
export function requestsOf(rec: StoredRecommendation): RequestSpec[] {
  if (rec.kind === 'purchase_order') {
    const poId = `PO-${rec.recommendation_id}`;
    return [
      {
        requestId: rec.recommendation_id,
        kind: 'purchase_order',
        ref: poId,
        action: {
          type: 'po_created',
          po: {
            po_id: poId,
            supplier_id: rec.supplier_id,
            node_id: rec.node_id,
            expected_at: rec.expected_arrival,
            lines: rec.lines.map((line, i) => ({
              line_id: String(i + 1),
              sku: line.sku,
              qty: line.qty,
              unit_cost: line.unit_cost,
            })),
          },
        },
      },
    ];
  }
  return rec.lines.map((line, i) => {
    const transferId = `TR-${rec.recommendation_id}-${i + 1}`;
    return {
      requestId: `${rec.recommendation_id}-${i + 1}`,
      kind: 'transfer',
      ref: transferId,
      action: {
        type: 'transfer',
        transfer: {
          transfer_id: transferId,
          from_node_id: rec.from_node_id,
          to_node_id: rec.node_id,
          sku: line.sku,
          qty: line.qty,
          expected_at: rec.expected_arrival,
        },
      },
    };
  });
}

function summarise(rec: StoredRecommendation) {
  return {
    source: 'replenishment',
    id: rec.recommendation_id,
    reason: rec.explanation.length > 2000 ? `${rec.explanation.slice(0, 1997)}...` : rec.explanation,
  };
}

/** The status the workflow's answers give a recommendation. */
function statusOf(results: readonly ApprovalRequestResult[]): 'proposed' | 'ordered' | 'rejected' {
  if (results.some((r) => r.status === 'rejected' || r.status === 'cancelled')) return 'rejected';
  if (results.every((r) => r.status === 'approved')) return 'ordered';
  return 'proposed';
}

async function proposed(warehouse: Warehouse, id: string): Promise<StoredRecommendation> {
  const rec = await getRecommendation(warehouse, id);
  if (!rec) throw new UserError(`No recommendation ${id}. List them with: retailos replenish list`);
  if (rec.status !== 'proposed') {
    throw new UserError(
      `Recommendation ${id} is ${rec.status}: only proposed recommendations can be decided.`,
    );
  }
  return rec;
}

/** The lifecycle through src/workflow/approvals.ts, under `policy` (default: config/approvals.json). */
export function workflowApprovals(policy?: ApprovalPolicy): RecommendationApprovals {
  const options = policy ? { policy } : {};
  const ask = async (warehouse: Warehouse, rec: StoredRecommendation, at: string | undefined) => {
    const results: ApprovalRequestResult[] = [];
    for (const spec of requestsOf(rec)) {
      results.push(
        await requestApproval(
          warehouse,
          {
            requestId: spec.requestId,
            kind: spec.kind,
            requestedBy: REQUESTER,
            action: spec.action,
            recommendation: summarise(rec),
            context: {
              cost: rec.cost,
              qty: rec.qty,
              expected_arrival: rec.expected_arrival,
              run_id: rec.run_id,
            },
            ...(at ? { at } : {}),
          },
          options,
        ),
      );
    }
    return results;
  };
  const settle = async (
    warehouse: Warehouse,
    rec: StoredRecommendation,
    results: ApprovalRequestResult[],
    decision?: Decision,
  ) => {
    const status = statusOf(results);
    const auto = decision === undefined && status === 'ordered';
    await updateStatus(warehouse, rec.recommendation_id, {
      status,
      approval_request_id: rec.recommendation_id,
      decided_by: decision?.actor ?? (auto ? 'policy' : null),
      decision_reason: decision?.reason ?? (auto ? 'auto-approved by the approval policy' : null),
      ordered_ref:
        status === 'ordered'
          ? requestsOf(rec)
              .map((spec) => spec.ref)
              .join(',')
          : null,
    });
    return (await getRecommendation(warehouse, rec.recommendation_id))!;
  };
  const decideAll = async (warehouse: Warehouse, decision: Decision, verdict: 'approve' | 'reject') => {
    const rec = await proposed(warehouse, decision.id);
    decision = { ...decision, at: decision.at ?? (await businessNow(warehouse)).toISOString() };
    // Requests are made when the plan runs; ask again (a no-op for existing ids) in case that was skipped.
    const requested = await ask(warehouse, rec, decision.at);
    const results: ApprovalRequestResult[] = [];
    for (const result of requested) {
      if (result.status !== 'pending') {
        results.push(result);
        continue;
      }
      results.push(
        await decide(
          warehouse,
          {
            requestId: result.requestId,
            decision: verdict,
            actor: decision.actor,
            role: decision.role,
            reason: decision.reason ?? (verdict === 'approve' ? 'approved' : 'rejected'),
            ...(decision.at ? { at: decision.at } : {}),
          },
          options,
        ),
      );
    }
    return settle(warehouse, rec, results, decision);
  };
  return {
    async request(warehouse, rec, at) {
      return settle(warehouse, rec, await ask(warehouse, rec, at));
    },
    approve: (warehouse, decision) => decideAll(warehouse, decision, 'approve'),
    reject: (warehouse, decision) => decideAll(warehouse, decision, 'reject'),
    async withdraw(warehouse, rec, reason) {
      if (rec.approval_request_id === null) return;
      for (const spec of requestsOf(rec)) {
        await cancelApproval(warehouse, {
          requestId: spec.requestId,
          actor: REQUESTER,
          role: 'admin',
          reason,
        }).catch(
          () => {}, // decided meanwhile, or never requested: nothing to withdraw
        );
      }
    },
  };
}
