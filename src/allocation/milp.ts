/**
 * Objectives (2) and (3) with HiGHS, for a batch of lines whose units are already fixed by the FIFO stage:
 *
 *   stage 2 (LP):   max Σ x[c] over on-time candidates                  → T*
 *   stage 3 (MILP): min Σ unit[c]·x[c] + Σ fee[o,n]·y[o,n]
 *     s.t. Σ_c x[c] = units[l]                   every line (objective (1) kept exactly)
 *          Σ x[c] at stock r ≤ stock[r]           where the batch could exceed it
 *          Σ x[c] at node n ≤ capacity[n]         where the batch could exceed it
 *          x[c] ≤ ub[c]·y[o(c), n(c)]             a shipment from n pays its fee once per order
 *          Σ on-time x[c] ≥ T*                    objective (2) kept exactly
 *          x integer ≥ 0, y binary.
 *
 * Sequential solves keep the lexicographic order exact (no big-M weights, no tolerance games). Stage 2 is
 * a network flow (integral), and is skipped when the starting plan already reaches its upper bound.
 */
import type { Plan } from './evaluate.ts';
import { SOLVER_OPTIONS, solver } from './highs.ts';
import type { Problem } from './problem.ts';

export interface MilpBatch {
  /** Lines of the batch with their fixed units (> 0) and the candidates the MILP may use. */
  lines: { line: number; units: number; cands: number[] }[];
}

export interface MilpOptions {
  /** Seconds per solve. */
  timeLimit: number;
  /** Solve the LP relaxation of stage 3 instead (shipments fractional): `bound` is its optimum. */
  relax?: boolean;
  /** Extra HiGHS options (e.g. `output_flag: true` with `log` to see the solver log). */
  highs?: Record<string, boolean | number | string>;
  /** Receives HiGHS log lines when `output_flag` is on. */
  log?: (line: string) => void;
}

/** What the batch may use of each stock and node capacity (default: everything the problem has). */
export interface MilpLimits {
  stock: Float64Array;
  cap: Float64Array;
}

export interface MilpResult {
  /** Units per candidate. */
  qty: Map<number, number>;
  status: 'optimal' | 'limited' | 'failed';
  /** Best proven lower bound on the batch cost (the MILP's dual bound). */
  bound: number | null;
  solves: number;
}

const OPTIMAL = 7;
const EMPTY = 6;

interface RowBuilder {
  starts: number[];
  indices: number[];
  values: number[];
  lower: number[];
  upper: number[];
}

function rows(): RowBuilder {
  return { starts: [0], indices: [], values: [], lower: [], upper: [] };
}

function addRow(
  builder: RowBuilder,
  indices: number[],
  values: number[],
  lower: number,
  upper: number,
): void {
  builder.indices.push(...indices);
  builder.values.push(...values);
  builder.starts.push(builder.indices.length);
  builder.lower.push(lower);
  builder.upper.push(upper);
}

/** Solves one batch; `start` (a feasible plan for these lines, e.g. the FIFO flow) seeds the MILP. */
export async function solveBatch(
  problem: Problem,
  batch: MilpBatch,
  start: Plan,
  options: MilpOptions,
  limits: MilpLimits = { stock: problem.resStock, cap: problem.nodeCap },
): Promise<MilpResult> {
  const highs = await solver();
  const inf = highs.infinity;
  let solves = 0;

  // x columns.
  const cols: number[] = [];
  const colLine: number[] = [];
  const ub: number[] = [];
  let totalUnits = 0;
  let maxOnTime = 0;
  let startOnTime = 0;
  for (let k = 0; k < batch.lines.length; k++) {
    const { units, cands } = batch.lines[k]!;
    totalUnits += units;
    let onTimeRoom = 0;
    for (const c of cands) {
      const bound = Math.min(units, limits.stock[problem.candRes[c]!]!, limits.cap[problem.candNode[c]!]!);
      if (bound <= 0) continue;
      cols.push(c);
      colLine.push(k);
      ub.push(bound);
      if (problem.candOnTime[c] === 1) {
        onTimeRoom += bound;
        startOnTime += start[c]!;
      }
    }
    maxOnTime += Math.min(units, onTimeRoom);
  }

  const lineRows = (builder: RowBuilder, colsOf: number[]) => {
    const byLine: number[][] = batch.lines.map(() => []);
    for (const j of colsOf) byLine[colLine[j]!]!.push(j);
    byLine.forEach((js, k) => {
      const units = batch.lines[k]!.units;
      addRow(
        builder,
        js,
        js.map(() => 1),
        units,
        units,
      );
    });
  };
  const resourceRows = (builder: RowBuilder, colsOf: number[]) => {
    const byRes = new Map<number, number[]>();
    const byNode = new Map<number, number[]>();
    for (const j of colsOf) {
      const c = cols[j]!;
      const r = problem.candRes[c]!;
      const n = problem.candNode[c]!;
      let a = byRes.get(r);
      if (!a) {
        a = [];
        byRes.set(r, a);
      }
      a.push(j);
      let b = byNode.get(n);
      if (!b) {
        b = [];
        byNode.set(n, b);
      }
      b.push(j);
    }
    for (const [r, js] of byRes) {
      const stock = limits.stock[r]!;
      if (js.reduce((sum, j) => sum + ub[j]!, 0) > stock)
        addRow(
          builder,
          js,
          js.map(() => 1),
          -inf,
          stock,
        );
    }
    for (const [n, js] of byNode) {
      const cap = limits.cap[n]!;
      if (Number.isFinite(cap) && js.reduce((sum, j) => sum + ub[j]!, 0) > cap) {
        addRow(
          builder,
          js,
          js.map(() => 1),
          -inf,
          cap,
        );
      }
    }
  };
  const all = cols.map((_, j) => j);

  // Stage 2: the most units within their promise (skipped when the start already reaches the bound).
  let target = maxOnTime;
  let startValues: Float64Array | null = null;
  if (startOnTime < maxOnTime) {
    const builder = rows();
    lineRows(builder, all);
    resourceRows(builder, all);
    const lp = highs.createModel({
      numCols: cols.length,
      numRows: builder.lower.length,
      sense: highs.constants.objectiveSense.maximize,
      colCost: cols.map((c) => problem.candOnTime[c]!),
      colLower: cols.map(() => 0),
      colUpper: ub,
      rowLower: builder.lower,
      rowUpper: builder.upper,
      matrix: {
        format: 'csr',
        numRows: builder.lower.length,
        numCols: cols.length,
        starts: builder.starts,
        indices: builder.indices,
        values: builder.values,
      },
    });
    try {
      lp.options.set({ ...SOLVER_OPTIONS, time_limit: options.timeLimit, ...options.highs });
      lp.run();
      solves++;
      if (lp.getModelStatus() !== OPTIMAL)
        return { qty: startQty(cols, start), status: 'failed', bound: null, solves };
      target = Math.round(lp.getObjectiveValue());
      startValues = lp.getSolution().colValue.map((value) => Math.round(value));
    } finally {
      lp.dispose();
    }
  }

  // Stage 3: cheapest plan with those units and that many on time. Late columns go when all can be on time.
  const keep = target === totalUnits ? all.filter((j) => problem.candOnTime[cols[j]!] === 1) : all;
  const xCount = keep.length;
  const yIndex = new Map<string, number>();
  const yFee: number[] = [];
  const link: [x: number, y: number][] = [];
  keep.forEach((j, x) => {
    const c = cols[j]!;
    const fee = problem.candFee[c]!;
    if (fee <= 0) return;
    const order = problem.lines[batch.lines[colLine[j]!]!.line]!.order;
    const key = `${order}:${problem.candNode[c]}`;
    let y = yIndex.get(key);
    if (y === undefined) {
      y = xCount + yFee.length;
      yIndex.set(key, y);
      yFee.push(fee);
    }
    link.push([x, y]);
  });
  const numCols = xCount + yFee.length;
  const builder = rows();
  // Rows over x use the kept numbering: map j → x.
  const xOf = new Map(keep.map((j, x) => [j, x]));
  const remap = (from: RowBuilder, to: RowBuilder) => {
    for (let i = 0; i < from.lower.length; i++) {
      const indices: number[] = [];
      const values: number[] = [];
      for (let k = from.starts[i]!; k < from.starts[i + 1]!; k++) {
        const x = xOf.get(from.indices[k]!);
        if (x === undefined) continue;
        indices.push(x);
        values.push(from.values[k]!);
      }
      addRow(to, indices, values, from.lower[i]!, from.upper[i]!);
    }
  };
  const base = rows();
  lineRows(base, keep);
  resourceRows(base, keep);
  remap(base, builder);
  for (const [x, y] of link) addRow(builder, [x, y], [1, -ub[keep[x]!]!], -inf, 0);
  if (target < totalUnits && target > 0) {
    const onTime = keep.flatMap((j, x) => (problem.candOnTime[cols[j]!] === 1 ? [x] : []));
    addRow(
      builder,
      onTime,
      onTime.map(() => 1),
      target,
      inf,
    );
  }

  const colCost = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  keep.forEach((j, x) => {
    colCost[x] = problem.candPrice[cols[j]!]!;
    colUpper[x] = ub[j]!;
  });
  yFee.forEach((fee, k) => {
    colCost[xCount + k] = fee;
    colUpper[xCount + k] = 1;
  });
  const model = highs.createModel({
    numCols,
    numRows: builder.lower.length,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper,
    rowLower: builder.lower,
    rowUpper: builder.upper,
    matrix: {
      format: 'csr',
      numRows: builder.lower.length,
      numCols,
      starts: builder.starts,
      indices: builder.indices,
      values: builder.values,
    },
    ...(options.relax ? {} : { integrality: new Int32Array(numCols).fill(1) }),
  });
  try {
    model.options.set({ ...SOLVER_OPTIONS, time_limit: options.timeLimit, ...options.highs });
    // Seed with a feasible plan: the stage-2 LP vertex when it ran, else the start.
    const seed = new Float64Array(numCols);
    keep.forEach((j, x) => {
      seed[x] = startValues ? startValues[j]! : start[cols[j]!]!;
    });
    for (const [x, y] of link) if (seed[x]! > 0) seed[y] = 1;
    model.setSolution({ colValue: seed });
    const log = options.log;
    model.run(
      log
        ? {
            [highs.constants.callbackType.logging]: (event) => {
              log(event.message);
            },
          }
        : undefined,
    );
    solves++;
    const status = model.getModelStatus();
    const hasSolution = Number(model.info.get('primal_solution_status')) === 2;
    if (status === EMPTY) return { qty: new Map(), status: 'optimal', bound: 0, solves };
    if (!hasSolution) return { qty: startQty(cols, start), status: 'failed', bound: null, solves };
    const values = model.getSolution().colValue;
    if (options.relax) {
      return {
        qty: new Map(),
        status: status === OPTIMAL ? 'optimal' : 'limited',
        bound: model.getObjectiveValue(),
        solves,
      };
    }
    const qty = new Map<number, number>();
    keep.forEach((j, x) => {
      const value = Math.round(values[x]!);
      if (value > 0) qty.set(cols[j]!, value);
    });
    const bound = Number(model.info.get('mip_dual_bound'));
    return {
      qty,
      status: status === OPTIMAL ? 'optimal' : 'limited',
      bound: Number.isFinite(bound) ? bound : null,
      solves,
    };
  } finally {
    model.dispose();
  }
}

function startQty(cols: number[], start: Plan): Map<number, number> {
  const qty = new Map<number, number>();
  for (const c of cols) if (start[c]! > 0) qty.set(c, start[c]!);
  return qty;
}
