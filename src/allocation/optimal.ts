/**
 * The exact strategy: objective (1) by the FIFO flow, then objectives (2) and (3) by HiGHS (milp.ts) on
 * independent components of the batch.
 *
 * - Start: the greedy asked to place exactly the FIFO units (else the FIFO flow itself) — HiGHS's incumbent.
 * - Candidates: per line the `maxCandidates` best (on time first, then unit cost + shipment fee), the
 *   nodes the order could consolidate at (those serving most of its lines, cheapest first) and whatever the
 *   start uses. With fewer candidates than that (small networks) nothing is pruned and the result is the
 *   exact optimum; with more, it is the optimum over the kept candidates (bench/allocate.ts measures the
 *   difference against the unpruned model).
 * - Components: lines of one order belong together (shipment fees); lines drawing on a stock or a node
 *   capacity that their units could exhaust belong together. Anything else is independent.
 * - A single-order component whose best single node costs exactly a proven lower bound is settled without
 *   the solver; the rest go to HiGHS in batches of at most `maxColumns` columns.
 */
import { emptyPlan, evaluate, type Plan } from './evaluate.ts';
import { fifoFlow } from './fifo-flow.ts';
import { greedyPlan } from './greedy.ts';
import { type MilpBatch, type MilpOptions, solveBatch } from './milp.ts';
import type { Problem } from './problem.ts';
import type { AllocationStrategy, StrategyOutcome } from './strategy.ts';

export interface OptimalOptions {
  /** Candidates kept per line (plus consolidation nodes and the flow's own). Default 12. */
  maxCandidates?: number;
  /** Columns per HiGHS model (components are packed up to this). Default 6000. */
  maxColumns?: number;
  /** Seconds per HiGHS solve. Default 20. */
  timeLimit?: number;
  /** Extra HiGHS options for every solve. */
  highs?: Record<string, boolean | number | string>;
}

export class OptimalStrategy implements AllocationStrategy {
  readonly name = 'optimal';
  constructor(private readonly options: OptimalOptions = {}) {}

  async solve(problem: Problem): Promise<StrategyOutcome> {
    return solveOptimal(problem, this.options);
  }
}

export async function solveOptimal(problem: Problem, options: OptimalOptions = {}): Promise<StrategyOutcome> {
  const maxCandidates = options.maxCandidates ?? 12;
  const maxColumns = options.maxColumns ?? 6000;
  const timeLimit = options.timeLimit ?? 20;
  const flow = fifoFlow(problem);
  const units = flow.units;
  // A good incumbent for HiGHS: the greedy asked for exactly the FIFO units, when it manages to place them.
  const start = greedyStart(problem, units) ?? flow.plan;
  const kept = keepCandidates(problem, units, start, maxCandidates);
  const components = findComponents(problem, units, kept);
  const plan = emptyPlan(problem);
  let bound = 0;
  let boundKnown = true;
  let milpLines = 0;
  let milpSolves = 0;
  let milpLimited = 0;
  let chunkedComponents = 0;
  let pending: MilpBatch = { lines: [] };
  let pendingColumns = 0;

  const flush = async () => {
    if (pending.lines.length === 0) return;
    const result = await solveBatch(problem, pending, start, { timeLimit, highs: options.highs });
    milpSolves += result.solves;
    milpLines += pending.lines.length;
    if (result.status !== 'optimal') milpLimited++;
    if (result.bound === null) boundKnown = false;
    else bound += result.bound;
    for (const [c, qty] of result.qty) plan[c] = qty;
    pending = { lines: [] };
    pendingColumns = 0;
  };

  for (const component of components) {
    const settled = settleWithoutSolver(problem, units, kept, component);
    if (settled) {
      for (const [c, qty] of settled.qty) plan[c] = qty;
      bound += settled.cost;
      continue;
    }
    let columns = 0;
    for (const l of component) columns += kept[l]!.length;
    if (columns > maxColumns) {
      await flush();
      const chunked = await solveInChunks(problem, component, units, kept, flow.plan, maxColumns, {
        timeLimit,
        highs: options.highs,
      });
      for (const [c, qty] of chunked.qty) plan[c] = qty;
      milpSolves += chunked.solves;
      milpLines += component.length;
      milpLimited += chunked.limited;
      chunkedComponents++;
      // A sum of chunk bounds is not a bound on the component (each chunk saw a reservation for the others).
      boundKnown = false;
      continue;
    }
    if (pendingColumns > 0 && pendingColumns + columns > maxColumns) await flush();
    for (const l of component) pending.lines.push({ line: l, units: units[l]!, cands: kept[l]! });
    pendingColumns += columns;
  }
  await flush();

  return {
    plan,
    stats: {
      milpLines,
      greedyLines: 0,
      components: components.length,
      milpSolves,
      milpLimited,
      lpBound: boundKnown ? bound : null,
      chunkedComponents,
    },
  };
}

/**
 * A component too large for one model, solved in FIFO chunks (rolling horizon): each chunk is optimal for
 * what is left after the chunks before it, keeping back what the FIFO flow gives the chunks after it — so
 * every later chunk can still place exactly its FIFO units (the flow restricted to it fits).
 */
async function solveInChunks(
  problem: Problem,
  component: number[],
  units: Float64Array,
  kept: number[][],
  flowPlan: Plan,
  maxColumns: number,
  milpOptions: MilpOptions,
): Promise<{ qty: Map<number, number>; solves: number; limited: number }> {
  const chunks: number[][] = [];
  let current: number[] = [];
  let columns = 0;
  for (let i = 0; i < component.length; i++) {
    const l = component[i]!;
    current.push(l);
    columns += kept[l]!.length;
    const next = component[i + 1];
    const orderEnds = next === undefined || problem.lines[next]!.order !== problem.lines[l]!.order;
    if (orderEnds && columns >= maxColumns) {
      chunks.push(current);
      current = [];
      columns = 0;
    }
  }
  if (current.length > 0) chunks.push(current);
  const laterStock = new Float64Array(problem.resStock.length);
  const laterCap = new Float64Array(problem.nodeCap.length);
  const usage = (lines: number[], plan: (c: number) => number, sign: number) => {
    for (const l of lines) {
      for (const c of kept[l]!) {
        const qty = plan(c);
        if (qty === 0) continue;
        laterStock[problem.candRes[c]!] = laterStock[problem.candRes[c]!]! + sign * qty;
        laterCap[problem.candNode[c]!] = laterCap[problem.candNode[c]!]! + sign * qty;
      }
    }
  };
  for (const chunk of chunks) usage(chunk, (c) => flowPlan[c]!, 1);
  const usedStock = new Float64Array(problem.resStock.length);
  const usedCap = new Float64Array(problem.nodeCap.length);
  const qty = new Map<number, number>();
  let solves = 0;
  let limited = 0;
  for (const chunk of chunks) {
    usage(chunk, (c) => flowPlan[c]!, -1);
    const limits = {
      stock: problem.resStock.map((stock, r) => stock - usedStock[r]! - laterStock[r]!),
      cap: problem.nodeCap.map((cap, n) => cap - usedCap[n]! - laterCap[n]!),
    };
    const batch: MilpBatch = {
      lines: chunk.filter((l) => units[l]! > 0).map((l) => ({ line: l, units: units[l]!, cands: kept[l]! })),
    };
    const result = await solveBatch(problem, batch, flowPlan, milpOptions, limits);
    solves += result.solves;
    if (result.status !== 'optimal') limited++;
    for (const [c, value] of result.qty) {
      qty.set(c, value);
      usedStock[problem.candRes[c]!] = usedStock[problem.candRes[c]!]! + value;
      usedCap[problem.candNode[c]!] = usedCap[problem.candNode[c]!]! + value;
    }
  }
  return { qty, solves, limited };
}

/** The greedy's plan for exactly `units` per line, or null when it places fewer somewhere. */
function greedyStart(problem: Problem, units: Float64Array): Plan | null {
  const fixed: Problem = {
    ...problem,
    lines: problem.lines.map((line) => ({ ...line, open: units[line.index]! })),
  };
  const plan = greedyPlan(fixed);
  const placed = evaluate(fixed, plan).units;
  for (let l = 0; l < units.length; l++) if (placed[l] !== units[l]) return null;
  return plan;
}

/** Per line with units: the candidates the MILP may use (sorted by index). Lines with no units: none. */
export function keepCandidates(
  problem: Problem,
  units: Float64Array,
  start: Plan,
  maxCandidates: number,
): number[][] {
  const kept: number[][] = problem.lines.map(() => []);
  const score = (c: number, u: number) => problem.candPrice[c]! * u + problem.candFee[c]!;
  for (const order of problem.orders) {
    const lines = order.lines.filter((l) => units[l]! > 0);
    if (lines.length === 0) continue;
    // Consolidation nodes: serve the most of the order's lines in full, on time, then cheapest.
    const nodeScore = new Map<number, { lines: number; onTime: number; cost: number }>();
    for (const l of lines) {
      const u = units[l]!;
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        const room = Math.min(problem.resStock[problem.candRes[c]!]!, problem.nodeCap[problem.candNode[c]!]!);
        if (room < u) continue;
        const n = problem.candNode[c]!;
        const entry = nodeScore.get(n) ?? { lines: 0, onTime: 0, cost: problem.candFee[c]! };
        entry.lines++;
        entry.onTime += problem.candOnTime[c]!;
        entry.cost += problem.candPrice[c]! * u;
        nodeScore.set(n, entry);
      }
    }
    const consolidation =
      lines.length > 1
        ? new Set(
            [...nodeScore]
              .sort(
                ([na, a], [nb, b]) => b.lines - a.lines || b.onTime - a.onTime || a.cost - b.cost || na - nb,
              )
              .slice(0, maxCandidates)
              .map(([n]) => n),
          )
        : new Set<number>();
    for (const l of lines) {
      const u = units[l]!;
      const cands: number[] = [];
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) cands.push(c);
      if (cands.length <= maxCandidates) {
        kept[l] = cands;
        continue;
      }
      cands.sort(
        (a, b) => problem.candOnTime[b]! - problem.candOnTime[a]! || score(a, u) - score(b, u) || a - b,
      );
      const keep = new Set(cands.slice(0, maxCandidates));
      // Enough room to choose from: extend until the kept candidates could hold the line twice over.
      let room = 0;
      for (const c of keep) room += problem.resStock[problem.candRes[c]!]!;
      for (let i = maxCandidates; i < cands.length && room < 2 * u; i++) {
        keep.add(cands[i]!);
        room += problem.resStock[problem.candRes[cands[i]!]!]!;
      }
      for (const c of cands) {
        if (start[c]! > 0 || consolidation.has(problem.candNode[c]!)) keep.add(c);
      }
      kept[l] = [...keep].sort((a, b) => a - b);
    }
  }
  return kept;
}

/** Groups of lines that interact (same order, or a stock / node capacity they could exhaust together). */
export function findComponents(problem: Problem, units: Float64Array, kept: number[][]): number[][] {
  const parent = new Int32Array(problem.lines.length).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (const order of problem.orders) {
    for (let i = 1; i < order.lines.length; i++) union(order.lines[0]!, order.lines[i]!);
  }
  const byRes = new Map<number, { demand: number; lines: number[] }>();
  const byNode = new Map<number, { demand: number; lines: number[] }>();
  for (let l = 0; l < problem.lines.length; l++) {
    const u = units[l]!;
    if (u <= 0) continue;
    for (const c of kept[l]!) {
      const r = problem.candRes[c]!;
      const n = problem.candNode[c]!;
      const a = byRes.get(r) ?? { demand: 0, lines: [] };
      a.demand += u;
      a.lines.push(l);
      byRes.set(r, a);
      if (Number.isFinite(problem.nodeCap[n]!)) {
        const b = byNode.get(n) ?? { demand: 0, lines: [] };
        b.demand += u;
        b.lines.push(l);
        byNode.set(n, b);
      }
    }
  }
  for (const [r, { demand, lines }] of byRes) {
    if (demand > problem.resStock[r]! && lines.length > 1) for (const l of lines) union(lines[0]!, l);
  }
  for (const [n, { demand, lines }] of byNode) {
    if (demand > problem.nodeCap[n]! && lines.length > 1) for (const l of lines) union(lines[0]!, l);
  }
  const groups = new Map<number, number[]>();
  for (let l = 0; l < problem.lines.length; l++) {
    if (units[l]! <= 0) continue;
    const root = find(l);
    let group = groups.get(root);
    if (!group) {
      group = [];
      groups.set(root, group);
    }
    group.push(l);
  }
  return [...groups.values()];
}

/**
 * A one-order component whose every unit can ship on time from one node, where that node's cost equals a
 * lower bound on any plan for the order: then it is optimal and HiGHS is not needed. The bound, for any
 * line l*: min over on-time nodes k of (fee[k] + u[l*]·unit[l*,k]) plus, for every other line, u·its
 * cheapest on-time unit cost (fees are non-negative, a line split over nodes pays each of their fees).
 */
function settleWithoutSolver(
  problem: Problem,
  units: Float64Array,
  kept: number[][],
  component: number[],
): { qty: Map<number, number>; cost: number } | null {
  const order = problem.lines[component[0]!]!.order;
  if (component.some((l) => problem.lines[l]!.order !== order)) return null;
  const minUnit = new Map<number, number>();
  const minWithFee = new Map<number, number>();
  const byNode = new Map<number, { cost: number; fee: number; cands: number[]; ok: boolean }>();
  for (const l of component) {
    const u = units[l]!;
    let unit = Number.POSITIVE_INFINITY;
    let withFee = Number.POSITIVE_INFINITY;
    for (const c of kept[l]!) {
      if (problem.candOnTime[c] !== 1) continue;
      unit = Math.min(unit, problem.candPrice[c]!);
      withFee = Math.min(withFee, problem.candFee[c]! + u * problem.candPrice[c]!);
      const n = problem.candNode[c]!;
      const entry = byNode.get(n) ?? {
        cost: problem.candFee[c]!,
        fee: problem.candFee[c]!,
        cands: [],
        ok: true,
      };
      entry.cost += u * problem.candPrice[c]!;
      entry.cands.push(c);
      if (problem.resStock[problem.candRes[c]!]! < u) entry.ok = false;
      byNode.set(n, entry);
    }
    if (!Number.isFinite(unit)) return null;
    minUnit.set(l, unit);
    minWithFee.set(l, withFee);
  }
  let total = 0;
  for (const l of component) total += units[l]!;
  let best: { cost: number; cands: number[] } | null = null;
  for (const [n, entry] of byNode) {
    if (!entry.ok || entry.cands.length !== component.length || problem.nodeCap[n]! < total) continue;
    if (!best || entry.cost < best.cost) best = entry;
  }
  if (!best) return null;
  let sumMin = 0;
  for (const l of component) sumMin += units[l]! * minUnit.get(l)!;
  let bound = 0;
  for (const l of component)
    bound = Math.max(bound, sumMin - units[l]! * minUnit.get(l)! + minWithFee.get(l)!);
  if (best.cost > bound + 1e-9) return null;
  const qty = new Map<number, number>();
  const demand = new Map<number, number>();
  for (const c of best.cands) {
    const l = lineOfCandidate(problem, c, component);
    qty.set(c, units[l]!);
    const r = problem.candRes[c]!;
    demand.set(r, (demand.get(r) ?? 0) + units[l]!);
  }
  // Two lines of the same sku share the node's stock.
  for (const [r, need] of demand) if (need > problem.resStock[r]!) return null;
  return { qty, cost: best.cost };
}

function lineOfCandidate(problem: Problem, c: number, lines: number[]): number {
  for (const l of lines) if (c >= problem.candStart[l]! && c < problem.candStart[l + 1]!) return l;
  throw new Error(`candidate ${c} not in component`);
}
