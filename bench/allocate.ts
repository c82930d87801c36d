/**
 * `allocate` (BENCHMARKS.md): 100k order lines against 200 nodes × 20k skus, in memory.
 *
 * The world: 20 regions on a 5 × 4 grid; 10 DCs (every sku, cheap picking, high capacity) and 190 stores
 * (30% of the skus each, dearer picking, ship-from-store capacity); every shipping node has a lane to every
 * region with transit days and costs growing with grid distance. Demand: sku popularity Zipf(1.1), 1–5 lines
 * per order, 1–3 units per line, regions by population, standard and express promises, a marketplace channel
 * limited to the DCs with a buffer. Stock: DCs hold ~4 weeks of expected demand, stores a little, so popular
 * skus are scarce.
 *
 * Measured:
 * - throughput of the whole core (`allocate`: candidates, strategy, explanations, exceptions) over all lines
 *   in one run, for the greedy and for the exact strategy (FIFO flow + HiGHS);
 * - cost on batches (consecutive slices of the stream, each against the stock): the exact strategy and the
 *   greedy against the LP optimum — the LP relaxation of the unpruned model with the same units and on-time
 *   units, a lower bound on any plan's cost.
 */
import { allocate } from '../src/allocation/allocate.ts';
import { toDay } from '../src/allocation/days.ts';
import { evaluate } from '../src/allocation/evaluate.ts';
import { fifoFlow } from '../src/allocation/fifo-flow.ts';
import { GreedyStrategy } from '../src/allocation/greedy.ts';
import { solveBatch } from '../src/allocation/milp.ts';
import { OptimalStrategy } from '../src/allocation/optimal.ts';
import { buildProblem, type Problem } from '../src/allocation/problem.ts';
import type {
  AllocationInput,
  ChannelInfo,
  LaneInfo,
  NodeInfo,
  OrderInput,
  PositionInfo,
} from '../src/allocation/types.ts';
import type { BenchReport } from './lib/report.ts';
import { seededRandom } from './lib/rng.ts';

export interface WorldSize {
  nodes: number;
  dcs: number;
  skus: number;
  lines: number;
  seed: number;
}

export const AS_OF = '2025-06-02T12:00:00Z';

/** A seeded retailer with `size.lines` open order lines, all placed on the run's day. */
export function syntheticWorld(size: WorldSize): AllocationInput {
  const rng = seededRandom(size.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const cols = 5;
  const regions = Array.from({ length: 20 }, (_, i) => ({
    id: `R${i + 1}`,
    x: i % cols,
    y: Math.floor(i / cols),
  }));
  const population = regions.map(() => 0.3 + rng());
  const popTotal = population.reduce((a, b) => a + b, 0);
  const pickRegion = () => {
    let u = rng() * popTotal;
    for (let i = 0; i < regions.length; i++) {
      u -= population[i]!;
      if (u <= 0) return i;
    }
    return regions.length - 1;
  };
  const nodes: NodeInfo[] = [];
  const nodeRegion: number[] = [];
  for (let n = 0; n < size.nodes; n++) {
    const dc = n < size.dcs;
    const region = dc ? Math.floor((n * regions.length) / size.dcs) : pickRegion();
    nodeRegion.push(region);
    nodes.push({
      nodeId: dc ? `DC-${String(n + 1).padStart(2, '0')}` : `ST-${String(n + 1).padStart(3, '0')}`,
      region: regions[region]!.id,
      canShip: dc || rng() < 0.8,
      canPickup: !dc,
      capacityPerDay: dc ? 25_000 : int(80, 300),
      pickCost: dc ? 0.25 + rng() * 0.15 : 0.9 + rng() * 0.6,
    });
  }
  const lanes: LaneInfo[] = [];
  nodes.forEach((node, n) => {
    if (!node.canShip) return;
    const from = regions[nodeRegion[n]!]!;
    for (const to of regions) {
      const distance = Math.abs(from.x - to.x) + Math.abs(from.y - to.y);
      lanes.push({
        nodeId: node.nodeId,
        region: to.id,
        transitDays: 1 + Math.ceil(distance / 2),
        costPerOrder: round2(4 + 0.9 * distance + rng() * 0.5),
        costPerUnit: round2(0.3 + 0.25 * distance + rng() * 0.1),
      });
    }
  });
  // Sku popularity: Zipf(1.1) over a random permutation.
  const weights = Array.from({ length: size.skus }, (_, i) => 1 / (i + 1) ** 1.1);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w;
    cumulative.push(acc);
  }
  const pickSku = () => {
    const u = rng() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const skuName = (i: number) => `SKU-${String(i + 1).padStart(5, '0')}`;
  const day = toDay(AS_OF);
  const orders: OrderInput[] = [];
  let lineCount = 0;
  let o = 0;
  const demand = new Float64Array(size.skus);
  while (lineCount < size.lines) {
    o++;
    const lines = Math.min(size.lines - lineCount, 1 + Math.min(4, Math.floor(-Math.log(1 - rng()) * 1.2)));
    const skus = new Set<number>();
    while (skus.size < lines) skus.add(pickSku());
    const express = rng() < 0.2;
    const marketplace = rng() < 0.2;
    orders.push({
      orderId: `O${String(o).padStart(6, '0')}`,
      channelId: marketplace ? 'marketplace' : 'web',
      shipToRegion: regions[pickRegion()]!.id,
      serviceLevel: express ? 'express' : 'standard',
      promisedBy: rng() < 0.1 ? null : day + (express ? int(1, 2) : int(3, 5)),
      pickupNodeId: null,
      placedAt: new Date(Date.parse(AS_OF) - (size.lines - lineCount) * 500).toISOString(),
      placedSeq: o,
      lines: [...skus].map((sku, index) => {
        const qty = rng() < 0.75 ? 1 : int(2, 3);
        demand[sku] = demand[sku]! + qty;
        return { lineId: String(index + 1), sku: skuName(sku), qty, open: qty, unitPrice: 20 };
      }),
    });
    lineCount += lines;
  }
  // Stock: the DCs together hold about 80% of expected demand for popular skus (scarce), more for the tail;
  // stores hold a few units of 30% of the skus.
  const positions: PositionInfo[] = [];
  const expected = (sku: number) => (weights[sku]! / acc) * size.lines * 1.4;
  nodes.forEach((node, n) => {
    const dc = n < size.dcs;
    for (let sku = 0; sku < size.skus; sku++) {
      if (!dc && rng() >= 0.3) continue;
      const mean = dc ? (expected(sku) * 0.9) / size.dcs + 2 : 1 + expected(sku) * 0.005;
      const sellable = Math.max(0, Math.round(mean * (0.5 + rng())));
      if (sellable > 0) positions.push({ sku: skuName(sku), nodeId: node.nodeId, sellable, reserved: 0 });
    }
  });
  const channels: ChannelInfo[] = [
    { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
    {
      channelId: 'marketplace',
      nodeIds: nodes.slice(0, size.dcs).map((node) => node.nodeId),
      bufferUnits: 2,
      bufferPct: 10,
    },
  ];
  return { asOf: AS_OF, nodes, lanes, channels, positions, claims: [], orders };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function problemOf(input: AllocationInput, orders: readonly OrderInput[]): Problem {
  return buildProblem({
    day: toDay(input.asOf),
    nodes: [...input.nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1)),
    lanes: input.lanes,
    channels: input.channels,
    positions: input.positions,
    capacityUsed: new Map(),
    openShipments: new Map(),
    orders,
  });
}

/**
 * The LP optimum of a batch: the relaxation of the unpruned model (every candidate, shipments fractional)
 * with the exact strategy's units per line and units on time fixed. No plan with those units can cost less.
 */
async function lpOptimum(problem: Problem): Promise<number> {
  const flow = fifoFlow(problem);
  const lines = problem.lines
    .filter((line) => flow.units[line.index]! > 0)
    .map((line) => {
      const cands: number[] = [];
      for (let c = problem.candStart[line.index]!; c < problem.candStart[line.index + 1]!; c++) cands.push(c);
      return { line: line.index, units: flow.units[line.index]!, cands };
    });
  const result = await solveBatch(problem, { lines }, flow.plan, { timeLimit: 300, relax: true });
  if (result.bound === null) throw new Error('LP relaxation failed');
  return result.bound;
}

export async function benchAllocate(options: { events?: number; lines?: number } = {}): Promise<BenchReport> {
  const lines = options.lines ?? options.events ?? 100_000;
  const startedAt = new Date().toISOString();
  const size: WorldSize = { nodes: 200, dcs: 10, skus: 20_000, lines, seed: 42 };
  const generated = performance.now();
  const input = syntheticWorld(size);
  const generateSeconds = (performance.now() - generated) / 1000;
  process.stderr.write(
    `world: ${input.nodes.length} nodes, ${size.skus} skus, ${input.positions.length} positions, ` +
      `${input.orders.length} orders, ${lines} lines (${generateSeconds.toFixed(1)} s)\n`,
  );

  // Throughput: the whole core (candidates, strategy, explanations, exceptions) over every line in one run.
  const timeRun = async (name: string, strategy?: GreedyStrategy) => {
    const started = performance.now();
    const result = await allocate(input, strategy ? { strategy } : {});
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `${name} (${result.solver.strategy}): ${seconds.toFixed(1)} s, cost ${result.stats.cost}\n`,
    );
    return { result, seconds };
  };
  const auto = await timeRun('default');
  const plain = await timeRun('greedy without local search', new GreedyStrategy({ improve: false }));

  // Cost on batches: slices of the stream, each decided against the stock by the exact solver (the
  // reference: FIFO flow + HiGHS MILP in one model), the greedy (what huge batches get), and the LP
  // relaxation of the unpruned model (a lower bound for both).
  const batchLines = 1_000;
  const batches = 5;
  const rows: {
    exact: number;
    greedy: number;
    lp: number;
    bound: number | null;
    seconds: number;
    units: number;
    onTime: number;
  }[] = [];
  for (let b = 0; b < batches; b++) {
    const slice: OrderInput[] = [];
    let count = 0;
    let cursor = Math.floor((b * input.orders.length) / batches);
    while (count < batchLines && cursor < input.orders.length) {
      const order = input.orders[cursor++]!;
      slice.push(order);
      count += order.lines.length;
    }
    const problem = problemOf(input, slice);
    const started = performance.now();
    const exact = await new OptimalStrategy({ maxColumns: Number.POSITIVE_INFINITY, timeLimit: 120 }).solve(
      problem,
    );
    const seconds = (performance.now() - started) / 1000;
    const exactEval = evaluate(problem, exact.plan);
    const fast = evaluate(problem, (await new GreedyStrategy().solve(problem)).plan);
    const lp = await lpOptimum(problem);
    rows.push({
      exact: exactEval.cost,
      greedy: fast.cost,
      lp,
      bound: exact.stats.lpBound,
      seconds,
      units: exactEval.totalUnits - fast.totalUnits,
      onTime: exactEval.totalOnTime - fast.totalOnTime,
    });
    process.stderr.write(
      `batch ${b + 1}: ${count} lines, exact ${exactEval.cost.toFixed(2)} in ${seconds.toFixed(1)} s ` +
        `(proven bound ${exact.stats.lpBound?.toFixed(2) ?? '-'}), greedy ${fast.cost.toFixed(2)}, LP relaxation ${lp.toFixed(2)}; ` +
        `units exact − greedy ${exactEval.totalUnits - fast.totalUnits}, on time ${exactEval.totalOnTime - fast.totalOnTime}\n`,
    );
  }
  const pct = (value: number) => Number((100 * value).toFixed(3));
  const worst = (f: (row: (typeof rows)[number]) => number) => Math.max(...rows.map(f));
  const mean = (f: (row: (typeof rows)[number]) => number) =>
    rows.reduce((sum, row) => sum + f(row), 0) / rows.length;
  const greedyGap = (row: (typeof rows)[number]) => row.greedy / row.exact - 1;
  const rate = lines / auto.seconds;
  const exactRate = (batches * batchLines) / rows.reduce((sum, row) => sum + row.seconds, 0);
  return {
    name: 'allocate',
    description: `${lines.toLocaleString('en-US')} order lines against ${size.nodes} nodes × ${size.skus.toLocaleString('en-US')} skus (in memory); batches of ${batchLines.toLocaleString('en-US')} lines: greedy vs exact vs LP`,
    startedAt,
    parameters: {
      ...size,
      positions: input.positions.length,
      orders: input.orders.length,
      batches,
      batchLines,
    },
    rows: [
      {
        metric: `default strategy (${auto.result.solver.strategy}) lines/s, all lines`,
        value: Math.round(rate),
        unit: 'lines/s',
        target: '>= 2,000',
        ok: rate >= 2000,
      },
      { metric: 'default: seconds for all lines', value: Number(auto.seconds.toFixed(2)), unit: 's' },
      { metric: 'default: units allocated', value: auto.result.stats.unitsAllocated, unit: 'units' },
      { metric: 'default: units on time', value: auto.result.stats.unitsOnTime, unit: 'units' },
      { metric: 'default: cost', value: auto.result.stats.cost, unit: 'money' },
      { metric: 'greedy without local search: cost', value: plain.result.stats.cost, unit: 'money' },
      {
        metric: 'greedy without local search lines/s',
        value: Math.round(lines / plain.seconds),
        unit: 'lines/s',
      },
      {
        metric: 'exact (FIFO flow + HiGHS) lines/s on batches',
        value: Math.round(exactRate),
        unit: 'lines/s',
      },
      {
        metric: 'batches: greedy cost above the exact optimum (worst)',
        value: pct(worst(greedyGap)),
        unit: '%',
        target: '<= 1%',
        ok: worst(greedyGap) <= 0.01,
      },
      {
        metric: 'batches: greedy cost above the exact optimum (mean)',
        value: pct(mean(greedyGap)),
        unit: '%',
      },
      {
        metric: 'batches: exact above its proven lower bound (worst)',
        value: pct(worst((row) => (row.bound === null ? Number.NaN : row.exact / row.bound - 1))),
        unit: '%',
      },
      {
        metric: 'batches: exact above the LP relaxation (mean)',
        value: pct(mean((row) => row.exact / row.lp - 1)),
        unit: '%',
      },
      {
        metric: 'batches: greedy above the LP relaxation (mean)',
        value: pct(mean((row) => row.greedy / row.lp - 1)),
        unit: '%',
      },
      {
        metric: 'batches: units the exact placed and the greedy did not',
        value: rows.reduce((sum, row) => sum + row.units, 0),
        unit: 'units',
      },
      {
        metric: 'batches: units on time, exact − greedy',
        value: rows.reduce((sum, row) => sum + row.onTime, 0),
        unit: 'units',
      },
    ],
  };
}
