import type { Problem } from './problem.ts';

/**
 * A decision: units per candidate (aligned with `Problem.cand*`). Every strategy returns one; the
 * objective is read from it the same way for all of them.
 */
export type Plan = Float64Array;

export interface Evaluation {
  /** Units allocated per line. */
  units: Float64Array;
  onTimeUnits: Float64Array;
  totalUnits: number;
  totalOnTime: number;
  /** Shipment fees + per-unit costs. */
  cost: number;
  /** (order, node) pairs shipping something. */
  shipments: number;
  /** Orders shipping from more than one node in this plan. */
  splitOrders: number;
  ordersAllocated: number;
}

export function emptyPlan(problem: Problem): Plan {
  return new Float64Array(problem.candNode.length);
}

/** The objective terms of a plan: units, units within their promise, cost. */
export function evaluate(problem: Problem, plan: Plan): Evaluation {
  const units = new Float64Array(problem.lines.length);
  const onTimeUnits = new Float64Array(problem.lines.length);
  let cost = 0;
  let shipments = 0;
  let splitOrders = 0;
  let ordersAllocated = 0;
  for (const order of problem.orders) {
    const fees = new Map<number, number>();
    for (const l of order.lines) {
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        const qty = plan[c]!;
        if (qty <= 0) continue;
        units[l] = units[l]! + qty;
        if (problem.candOnTime[c] === 1) onTimeUnits[l] = onTimeUnits[l]! + qty;
        cost += qty * problem.candUnit[c]!;
        fees.set(problem.candNode[c]!, problem.candFee[c]!);
      }
    }
    for (const fee of fees.values()) {
      cost += fee;
      if (fee > 0) shipments++;
    }
    if (fees.size > 0) ordersAllocated++;
    if (fees.size > 1) splitOrders++;
  }
  let totalUnits = 0;
  let totalOnTime = 0;
  for (let l = 0; l < units.length; l++) {
    totalUnits += units[l]!;
    totalOnTime += onTimeUnits[l]!;
  }
  return { units, onTimeUnits, totalUnits, totalOnTime, cost, shipments, splitOrders, ordersAllocated };
}

/** Every way a plan breaks the problem's constraints (empty when feasible). */
export function violations(problem: Problem, plan: Plan): string[] {
  const problems: string[] = [];
  const stock = new Float64Array(problem.resStock.length);
  const cap = new Float64Array(problem.nodeCap.length);
  const group = new Float64Array(problem.groupCap.length);
  for (const line of problem.lines) {
    let units = 0;
    for (let c = problem.candStart[line.index]!; c < problem.candStart[line.index + 1]!; c++) {
      const qty = plan[c]!;
      if (qty < 0 || !Number.isInteger(qty))
        problems.push(`line ${line.index}: candidate ${c} has ${qty} units`);
      units += qty;
      stock[problem.candRes[c]!] = stock[problem.candRes[c]!]! + qty;
      cap[problem.candNode[c]!] = cap[problem.candNode[c]!]! + qty;
      if (line.group >= 0) group[line.group] = group[line.group]! + qty;
    }
    if (units > line.open) problems.push(`line ${line.index}: ${units} units allocated, ${line.open} open`);
  }
  stock.forEach((used, r) => {
    if (used > problem.resStock[r]!) problems.push(`stock ${r}: ${used} > ${problem.resStock[r]}`);
  });
  cap.forEach((used, n) => {
    if (used > problem.nodeCap[n]!) problems.push(`capacity ${n}: ${used} > ${problem.nodeCap[n]}`);
  });
  group.forEach((used, g) => {
    if (used > problem.groupCap[g]!) problems.push(`buffer ${g}: ${used} > ${problem.groupCap[g]}`);
  });
  return problems;
}
