/**
 * Objective (1), scarce stock in placement order: the lexicographically largest vector of units per line,
 * lines taken in FIFO priority. Line by line, the most units the line can get given that every earlier
 * line keeps what it got — where "keeps" means its quantity, not its nodes: an earlier line may be
 * re-routed to another node to make room (an augmenting path in the residual flow network).
 *
 * Network: source → line (its open units, within its channel buffer) → stock of the sku at a candidate
 * node → the node's capacity for the day → sink. Augmenting from line ℓ never passes back through another
 * line's source arc, so earlier lines' totals never drop. The result `units` is unique (whatever paths
 * are chosen); `plan` is one feasible flow achieving it (the MILP's starting solution).
 */
import { emptyPlan, type Plan } from './evaluate.ts';
import type { Problem } from './problem.ts';

export interface FifoFlow {
  /** Units per line: the lexicographic maximum in priority order. */
  units: Float64Array;
  /** One plan achieving them. */
  plan: Plan;
  /** Augmenting-path searches run (lines that needed re-routing to get more). */
  searches: number;
}

export function fifoFlow(problem: Problem): FifoFlow {
  const lineCount = problem.lines.length;
  const resCount = problem.resStock.length;
  const nodeCount = problem.nodeCap.length;
  const candCount = problem.candNode.length;
  const flow = emptyPlan(problem);
  const used = new Float64Array(resCount);
  const capUsed = new Float64Array(nodeCount);
  const groupUsed = new Float64Array(problem.groupCap.length);
  const units = new Float64Array(lineCount);
  const candLine = new Int32Array(candCount);
  for (let l = 0; l < lineCount; l++) {
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) candLine[c] = l;
  }
  // Candidates by resource, resources by node (CSR).
  const resCands = groupBy(resCount, problem.candRes);
  const nodeRes = groupBy(nodeCount, problem.resNode);

  const stockLeft = (r: number) => problem.resStock[r]! - used[r]!;
  const capLeft = (n: number) => problem.nodeCap[n]! - capUsed[n]!;
  const push = (c: number, qty: number) => {
    flow[c] = flow[c]! + qty;
    const r = problem.candRes[c]!;
    used[r] = used[r]! + qty;
    const n = problem.candNode[c]!;
    capUsed[n] = capUsed[n]! + qty;
  };

  // BFS state, reused across searches (stamped visits).
  const lineSeen = new Int32Array(lineCount);
  const resSeen = new Int32Array(resCount);
  const nodeSeen = new Int32Array(nodeCount);
  const resParentCand = new Int32Array(resCount); // forward: the candidate a line used to reach r
  const resParentNode = new Int32Array(resCount); // backward: the node r was reached from (−1: forward)
  const lineParentCand = new Int32Array(lineCount); // backward: the candidate of the line at its parent r
  const nodeParentRes = new Int32Array(nodeCount);
  const queue: number[] = []; // encoded: kind * 2^29 + index
  const KIND = 1 << 29;
  let stamp = 0;
  let searches = 0;

  /** One augmenting path from line l0; returns the units pushed (0 when none). */
  const augment = (l0: number, limit: number): number => {
    stamp++;
    searches++;
    queue.length = 0;
    lineSeen[l0] = stamp;
    queue.push(l0);
    let head = 0;
    let sinkNode = -1;
    while (head < queue.length && sinkNode < 0) {
      const item = queue[head++]!;
      const kind = Math.floor(item / KIND);
      const index = item % KIND;
      if (kind === 0) {
        // A line: forward to the stock of each candidate.
        for (let c = problem.candStart[index]!; c < problem.candStart[index + 1]!; c++) {
          const r = problem.candRes[c]!;
          if (resSeen[r] === stamp) continue;
          resSeen[r] = stamp;
          resParentCand[r] = c;
          resParentNode[r] = -1;
          queue.push(KIND + r);
        }
      } else if (kind === 1) {
        // A stock: forward to its node if it has units left; backward to lines drawing on it.
        const n = problem.resNode[index]!;
        if (stockLeft(index) > 0 && nodeSeen[n] !== stamp) {
          nodeSeen[n] = stamp;
          nodeParentRes[n] = index;
          if (capLeft(n) > 0) {
            sinkNode = n;
            break;
          }
          queue.push(2 * KIND + n);
        }
        for (let k = resCands.start[index]!; k < resCands.start[index + 1]!; k++) {
          const c = resCands.items[k]!;
          if (flow[c]! <= 0) continue;
          const l = candLine[c]!;
          if (lineSeen[l] === stamp) continue;
          lineSeen[l] = stamp;
          lineParentCand[l] = c;
          queue.push(l);
        }
      } else {
        // A full node: backward to the stocks flowing through it (re-route one of them).
        for (let k = nodeRes.start[index]!; k < nodeRes.start[index + 1]!; k++) {
          const r = nodeRes.items[k]!;
          if (used[r]! <= 0 || resSeen[r] === stamp) continue;
          resSeen[r] = stamp;
          resParentNode[r] = index;
          queue.push(KIND + r);
        }
      }
    }
    if (sinkNode < 0) return 0;
    // Walk back from the sink to l0: bottleneck first, then push.
    let qty = Math.min(limit, capLeft(sinkNode));
    const steps: [kind: 'fwd' | 'bwd' | 'nodebwd', value: number][] = [];
    let r = nodeParentRes[sinkNode]!;
    qty = Math.min(qty, stockLeft(r));
    for (;;) {
      const fromNode = resParentNode[r]!;
      if (fromNode >= 0) {
        // r was reached backward from a full node: flow r→node decreases (via the line that re-routes).
        // The node's predecessor is the stock that reached it forward.
        qty = Math.min(qty, used[r]!);
        steps.push(['nodebwd', r]);
        const prev = nodeParentRes[fromNode]!;
        qty = Math.min(qty, stockLeft(prev));
        r = prev;
        continue;
      }
      const c = resParentCand[r]!; // a line pushed into r through candidate c
      steps.push(['fwd', c]);
      const l = candLine[c]!;
      if (l === l0) break;
      const back = lineParentCand[l]!; // l gives up units at candidate `back`
      qty = Math.min(qty, flow[back]!);
      steps.push(['bwd', back]);
      r = problem.candRes[back]!;
    }
    if (qty <= 0) return 0;
    // Forward candidate steps add flow to their stock and node; backward ones remove it. A 'nodebwd' step
    // is implied by the candidate steps around it (the re-routed line moves its units off that node).
    for (const [kind, value] of steps) {
      if (kind === 'fwd') push(value, qty);
      else if (kind === 'bwd') push(value, -qty);
    }
    return qty;
  };

  for (let l = 0; l < lineCount; l++) {
    const line = problem.lines[l]!;
    const groupLeft =
      line.group < 0 ? Number.POSITIVE_INFINITY : problem.groupCap[line.group]! - groupUsed[line.group]!;
    let need = Math.min(line.open, groupLeft);
    if (need <= 0) continue;
    // Direct first, cheapest candidates first (a good start for the MILP), then re-routing.
    const order: number[] = [];
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) order.push(c);
    order.sort(
      (a, b) =>
        problem.candOnTime[b]! - problem.candOnTime[a]! ||
        problem.candPrice[a]! +
          problem.candFee[a]! / need -
          (problem.candPrice[b]! + problem.candFee[b]! / need) ||
        a - b,
    );
    for (const c of order) {
      if (need <= 0) break;
      const qty = Math.min(need, stockLeft(problem.candRes[c]!), capLeft(problem.candNode[c]!));
      if (qty <= 0) continue;
      push(c, qty);
      need -= qty;
    }
    while (need > 0) {
      const qty = augment(l, need);
      if (qty <= 0) break;
      need -= qty;
    }
    let got = 0;
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) got += flow[c]!;
    units[l] = got;
    if (line.group >= 0) groupUsed[line.group] = groupUsed[line.group]! + got;
  }
  return { units, plan: flow, searches };
}

/** Compressed lists: items with key k at `items[start[k]..start[k+1])`. */
function groupBy(keys: number, keyOf: Int32Array): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < keyOf.length; i++) start[keyOf[i]! + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1] = start[k + 1]! + start[k]!;
  const fill = start.slice(0, keys);
  const items = new Int32Array(keyOf.length);
  for (let i = 0; i < keyOf.length; i++) items[fill[keyOf[i]!]!++] = i;
  return { start, items };
}
