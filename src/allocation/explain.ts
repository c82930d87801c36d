/**
 * Explanations: for every line of a run, the candidates considered (cost, promise, room), the nodes
 * chosen, and why they won — in words a planner can check against the numbers.
 */
import { formatMoney } from '../format/human.ts';
import { dayText } from './days.ts';
import type { Evaluation, Plan } from './evaluate.ts';
import { type Problem, type Remaining, remainingOf, room, take } from './problem.ts';
import type { CandidateView, LineExplanation, LineOutcome } from './types.ts';

/** Candidates listed per line (the rest are counted). */
export const EXPLAIN_CANDIDATES = 8;

const money = formatMoney;

export function explainPlan(
  problem: Problem,
  plan: Plan,
  evaluation: Evaluation,
  limit = EXPLAIN_CANDIDATES,
): LineExplanation[] {
  const start = remainingOf(problem);
  const after: Remaining = remainingOf(problem);
  for (let l = 0; l < problem.lines.length; l++) {
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
      if (plan[c]! > 0) take(problem, after, l, c, plan[c]!);
    }
  }
  // The shipment fee each chosen candidate actually pays: the first line at a node pays, the rest join.
  const incurred = new Float64Array(problem.candNode.length);
  for (const order of problem.orders) {
    const paid = new Set<number>();
    for (const l of order.lines) {
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        if (plan[c]! <= 0) continue;
        const node = problem.candNode[c]!;
        incurred[c] = paid.has(node) ? 0 : problem.candFee[c]!;
        paid.add(node);
      }
    }
  }
  return problem.lines.map((line) => {
    const l = line.index;
    const order = problem.orders[line.order]!.order;
    const open = line.open;
    const standalone = (c: number) => problem.candUnit[c]! * open + problem.candFee[c]!;
    const before = (a: number, b: number) =>
      problem.candOnTime[b]! - problem.candOnTime[a]! || standalone(a) - standalone(b) || a - b;
    // The best `limit` candidates (on time first, then cheapest for the whole line), without sorting all.
    const count = problem.candStart[l + 1]! - problem.candStart[l]!;
    const top: number[] = [];
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
      if (top.length === Math.max(limit, 1) && before(c, top[top.length - 1]!) >= 0) continue;
      let at = top.length;
      while (at > 0 && before(c, top[at - 1]!) < 0) at--;
      top.splice(at, 0, c);
      if (top.length > Math.max(limit, 1)) top.pop();
    }
    const view = (c: number): CandidateView => {
      const node = problem.nodes[problem.candNode[c]!]!;
      const cap = problem.nodeCap[problem.candNode[c]!]!;
      return {
        nodeId: node.nodeId,
        unitCost: problem.candUnit[c]!,
        shipmentFee: problem.candFee[c]!,
        transitDays: problem.candTransit[c]!,
        eta: problem.day + problem.candTransit[c]!,
        onTime: problem.candOnTime[c] === 1,
        availableUnits: room(problem, start, l, c),
        capacityLeft: Number.isFinite(cap) ? cap : null,
      };
    };
    const chosenCands: number[] = [];
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++)
      if (plan[c]! > 0) chosenCands.push(c);
    chosenCands.sort(before);
    const chosen = chosenCands.map((c) => {
      const v = view(c);
      return {
        nodeId: v.nodeId,
        qty: plan[c]!,
        unitCost: v.unitCost,
        shipmentFee: incurred[c]!,
        eta: v.eta,
        onTime: v.onTime,
      };
    });
    const allocated = evaluation.units[l]!;
    const onTime = evaluation.onTimeUnits[l]!;
    const outcome: LineOutcome =
      allocated === 0
        ? 'backordered'
        : allocated < open
          ? 'partial'
          : onTime < allocated
            ? 'late'
            : 'allocated';
    const reasons: string[] = [];
    const promise = order.promisedBy === null ? null : dayText(order.promisedBy);
    if (count === 0) {
      reasons.push(noCandidateReason(line.excluded));
    } else if (allocated === 0) {
      reasons.push(shortReason(problem, start, after, l));
    } else {
      const best = top[0]!;
      for (const c of chosenCands) {
        const node = problem.nodes[problem.candNode[c]!]!.nodeId;
        const shared = incurred[c] === 0 && problem.candFee[c]! > 0;
        const cost = `unit ${money(problem.candUnit[c]!)}, shipment ${money(problem.candFee[c]!)}${shared ? ' shared' : ''}`;
        if (count === 1) {
          reasons.push(`${node}: the only candidate (${cost})`);
        } else if (c === best) {
          reasons.push(
            `${node}: cheapest ${problem.candOnTime[c] === 1 ? 'on-time ' : ''}candidate for this line (${cost}; ${money(standalone(c))} for ${open} unit${open === 1 ? '' : 's'})`,
          );
        } else {
          reasons.push(`${node} (${cost}): ${whyNotBest(problem, start, after, plan, l, c, best, open)}`);
        }
        if (shared) {
          reasons.push(
            `${node}: joins the order's other lines in one shipment from there (one fee for the order)`,
          );
        }
      }
      if (allocated < open)
        reasons.push(`${open - allocated} of ${open} units short: ${shortReason(problem, start, after, l)}`);
    }
    if (promise !== null && allocated > 0) {
      if (onTime === allocated) reasons.push(`promise ${promise} met`);
      else if (problem.candOnTime[top[0]!] !== 1) {
        let eta = Number.POSITIVE_INFINITY;
        for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
          eta = Math.min(eta, problem.day + problem.candTransit[c]!);
        }
        reasons.push(`promise ${promise} cannot be met by any candidate (earliest delivery ${dayText(eta)})`);
      } else {
        reasons.push(
          `promise ${promise} at risk: on-time candidates had no room left for ${allocated - onTime} units`,
        );
      }
    }
    return {
      orderId: order.orderId,
      lineId: line.line.lineId,
      sku: line.line.sku,
      orderedQty: line.line.qty,
      openQty: open,
      allocatedQty: allocated,
      onTimeQty: onTime,
      outcome,
      promisedBy: order.promisedBy,
      chosen,
      candidates: top.slice(0, limit).map(view),
      moreCandidates: Math.max(0, count - limit),
      excluded: line.excluded,
      reasons,
    };
  });
}

function noCandidateReason(excluded: Partial<Record<string, number>>): string {
  const parts = Object.entries(excluded)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([reason, count]) => `${reason.replaceAll('_', ' ')}: ${count}`);
  return `no candidate node (${parts.join(', ') || 'no nodes'})`;
}

/** Why a line got fewer units than it has open. */
function shortReason(problem: Problem, start: Remaining, after: Remaining, l: number): string {
  const line = problem.lines[l]!;
  if (line.group >= 0 && after.group[line.group]! <= 0) {
    return start.group[line.group]! <= 0
      ? 'the channel buffer leaves no units of this sku for the channel'
      : 'the channel buffer is used up by earlier lines of the channel';
  }
  let stockGone = true;
  let capGone = true;
  for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
    if (after.stock[problem.candRes[c]!]! > 0) stockGone = false;
    if (after.cap[problem.candNode[c]!]! > 0) capGone = false;
  }
  if (stockGone) return 'the stock at every candidate went to earlier orders';
  if (capGone) return "the candidates' ship capacity for the day is used up";
  return 'no candidate has both stock and capacity left';
}

function whyNotBest(
  problem: Problem,
  start: Remaining,
  after: Remaining,
  plan: Plan,
  l: number,
  c: number,
  best: number,
  open: number,
): string {
  const bestNode = problem.nodes[problem.candNode[best]!]!.nodeId;
  if (problem.candOnTime[c]! < problem.candOnTime[best]!) {
    return `late, because on-time ${bestNode} had no room left`;
  }
  if (problem.candOnTime[c]! > problem.candOnTime[best]!) return 'meets the promise';
  if (room(problem, start, l, best) < open && plan[best]! > 0) {
    return `${bestNode} (cheaper) had only ${room(problem, start, l, best)} units, so the line is split`;
  }
  if (plan[best]! === 0 && after.stock[problem.candRes[best]!]! <= 0) {
    return `cheaper ${bestNode} has no stock left for this line (it went to ${problem.resStock[problem.candRes[best]!]! > 0 ? 'earlier or other orders' : 'nobody'})`;
  }
  if (plan[best]! === 0 && after.cap[problem.candNode[best]!]! <= 0) {
    return `cheaper ${bestNode} is at its ship capacity for the day`;
  }
  const others = countLinesAt(problem, plan, l, problem.candNode[c]!) - 1;
  if (others > 0) {
    return `ships with ${others} other line${others === 1 ? '' : 's'} of the order from there: one shipment instead of also paying ${money(problem.candFee[best]!)} at ${bestNode}`;
  }
  return `cheaper ${bestNode} was left to other orders for a lower total cost of the batch`;
}

function countLinesAt(problem: Problem, plan: Plan, l: number, node: number): number {
  const order = problem.orders[problem.lines[l]!.order]!;
  let count = 0;
  for (const other of order.lines) {
    for (let c = problem.candStart[other]!; c < problem.candStart[other + 1]!; c++) {
      if (problem.candNode[c] === node && plan[c]! > 0) count++;
    }
  }
  return count;
}
