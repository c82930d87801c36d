/**
 * The look-ahead: what a unit of stock at a node is worth to the orders still to come — its reservation
 * value (a bid price, as in Acimovic & Graves, "Making better fulfillment decisions on the fly", 2015).
 *
 * Myopic routing takes the cheapest node for each order as it comes, so cheap central stock goes to the
 * first orders even when they had an almost as good alternative, and later orders that have none (a channel
 * limited to the DCs, a promise only a near node meets) go short or late. Here, per sku, the expected demand
 * until stock next arrives (forecasts, else the recent demand rate; see `demand.ts`) is routed over the stock
 * on hand in a small transportation problem:
 *
 *   min Σ cost[n,k]·x[n,k] + shortageCost · unserved[k]
 *   s.t. Σ_n x[n,k] + unserved[k] = demand[k]   every demand class k (channel × region × promise)
 *        Σ_k x[n,k] ≤ stock[n]                  every node n holding the sku
 *
 * with cost[n,k] = the lane's unit cost + pick cost + shipment fee / units per shipment, plus `lateCost`
 * when n cannot meet the class's promise, and only over nodes the class may use (its channel's nodes, a
 * lane to its region). A node's reservation value is the dual of its stock row: what the expected future
 * demand would pay extra if one unit less were there (0 when the node's stock is not all needed). The
 * allocator adds it to the per-unit cost of drawing on that stock (objective 3), so an order takes scarce
 * cheap stock only when it saves more than the next orders would lose.
 *
 * Demand is uncertain: the duals are averaged over demand scenarios (quantiles of a Poisson total), so the
 * value rises smoothly as stock runs short instead of jumping at the expected demand.
 */
import type { ChannelInfo, LaneInfo, NodeInfo } from './types.ts';

/** Expected demand of one kind: a sku through a channel to a region, promised `promiseDays` after placement. */
export interface DemandRate {
  sku: string;
  channelId: string;
  region: string;
  /** Days from placement to the promised delivery date; null = no promise. */
  promiseDays: number | null;
  /** Expected units per day. */
  unitsPerDay: number;
}

export interface LookaheadSettings {
  /** Longest look-ahead in days; also the horizon when no inbound is known for a sku. Default 7. */
  horizonDays: number;
  /** Cost of a unit of expected demand left unserved (a backorder or lost sale). Default 10. */
  shortageCost: number;
  /** Cost of a unit of expected demand served after its promise. Default 5. */
  lateCost: number;
  /** Units a shipment carries on average: spreads a shipment's fee over its units. Default 1.5. */
  unitsPerShipment: number;
  /** Demand scenarios (quantiles of the Poisson total) the values are averaged over. Default 5. */
  scenarios: number;
}

export const DEFAULT_LOOKAHEAD: LookaheadSettings = {
  horizonDays: 7,
  shortageCost: 10,
  lateCost: 5,
  unitsPerShipment: 1.5,
  scenarios: 5,
};

/** What the allocator knows about the future at decision time. */
export interface Lookahead {
  demand: readonly DemandRate[];
  /** Per sku: days from now until stock of it next arrives at any node (open POs, transfers in transit). */
  nextInboundDays?: ReadonlyMap<string, number> | undefined;
  settings?: Partial<LookaheadSettings> | undefined;
}

/** The look-ahead's result per stock resource (sku at node), aligned with `Problem.res*`. */
export interface ReservationValues {
  /** Value per unit (≥ 0). */
  value: Float64Array;
  /** Expected units of the sku asked for over the horizon (all classes), per resource. */
  demand: Float64Array;
  /** The horizon used for the resource's sku, in days. */
  horizon: Float64Array;
}

export interface StockResources {
  resSku: readonly string[];
  resNode: Int32Array;
  resStock: Float64Array;
}

interface DemandClass {
  channelId: string;
  region: string;
  promiseDays: number | null;
  units: number;
}

/** Reservation values of every stock resource; zero where the look-ahead sees no scarcity. */
export function reservationValues(
  resources: StockResources,
  nodes: readonly NodeInfo[],
  lanes: ReadonlyMap<string, LaneInfo>,
  channels: ReadonlyMap<string, ChannelInfo>,
  lookahead: Lookahead,
): ReservationValues {
  const settings = { ...DEFAULT_LOOKAHEAD, ...lookahead.settings };
  const count = resources.resSku.length;
  const out: ReservationValues = {
    value: new Float64Array(count),
    demand: new Float64Array(count),
    horizon: new Float64Array(count),
  };
  // Resources per sku.
  const bySku = new Map<string, number[]>();
  for (let r = 0; r < count; r++) {
    const sku = resources.resSku[r]!;
    let list = bySku.get(sku);
    if (!list) {
      list = [];
      bySku.set(sku, list);
    }
    list.push(r);
  }
  const rates = new Map<string, DemandRate[]>();
  for (const rate of lookahead.demand) {
    if (!(rate.unitsPerDay > 0) || !bySku.has(rate.sku)) continue;
    let list = rates.get(rate.sku);
    if (!list) {
      list = [];
      rates.set(rate.sku, list);
    }
    list.push(rate);
  }
  const allowed = new Map<string, Set<string> | null>();
  const allowedFor = (channelId: string) => {
    if (!allowed.has(channelId)) {
      const channel = channels.get(channelId);
      allowed.set(channelId, channel?.nodeIds ? new Set(channel.nodeIds) : null);
    }
    return allowed.get(channelId)!;
  };
  for (const [sku, list] of bySku) {
    const horizon = Math.max(
      0,
      Math.min(settings.horizonDays, lookahead.nextInboundDays?.get(sku) ?? settings.horizonDays),
    );
    for (const r of list) out.horizon[r] = horizon;
    const skuRates = rates.get(sku);
    if (!skuRates || horizon <= 0) continue;
    const classes: DemandClass[] = skuRates.map((rate) => ({
      channelId: rate.channelId,
      region: rate.region,
      promiseDays: rate.promiseDays,
      units: rate.unitsPerDay * horizon,
    }));
    const total = classes.reduce((sum, k) => sum + k.units, 0);
    for (const r of list) out.demand[r] = total;
    // cost[n][k]; Infinity where the class may not use the node.
    const cost = list.map((r) => {
      const node = nodes[resources.resNode[r]!]!;
      return classes.map((k) => {
        const channelNodes = allowedFor(k.channelId);
        if (!node.canShip || (channelNodes && !channelNodes.has(node.nodeId)))
          return Number.POSITIVE_INFINITY;
        const lane = lanes.get(`${node.nodeId}\u0000${k.region}`);
        if (!lane) return Number.POSITIVE_INFINITY;
        const late = k.promiseDays !== null && lane.transitDays > k.promiseDays;
        return (
          lane.costPerUnit +
          node.pickCost +
          lane.costPerOrder / settings.unitsPerShipment +
          (late ? settings.lateCost : 0)
        );
      });
    });
    const hidden = bufferedShares(list, resources, nodes, classes, channels, allowedFor);
    const rows = list.map((r, i) => ({ r: i, stock: resources.resStock[r]! * hidden[i]! }));
    const full = cost;
    // Classes that see the nodes alike (e.g. every promise all nodes meet) are one class to the problem.
    const merged = new Map<string, { cost: number[]; units: number }>();
    classes.forEach((k, j) => {
      const column = full.map((row) => row[j]!);
      const key = column.join(',');
      const entry = merged.get(key);
      if (entry) entry.units += k.units;
      else merged.set(key, { cost: column, units: k.units });
    });
    const columns = [...merged.values()];
    const matrix = rows.map((_, i) => columns.map((column) => column.cost[i]!));
    const stock = rows.map((row) => row.stock);
    const multipliers = poissonScenarios(total, settings.scenarios);
    const sum = new Float64Array(list.length);
    const demand = columns.map((column) => column.units);
    // Only the scenarios in which some stock could run out need solving (the rest are all zero).
    const needed = multipliers.filter((m) =>
      scarce(
        stock,
        demand.map((units) => units * m),
        matrix,
      ),
    );
    for (const duals of transportationDuals(stock, demand, matrix, settings.shortageCost, needed)) {
      rows.forEach((row, i) => {
        sum[row.r] = sum[row.r]! + duals[i]!;
      });
    }
    list.forEach((r, i) => {
      out.value[r] = sum[i]! / multipliers.length;
    });
  }
  return out;
}

/**
 * A channel buffer keeps the last units of its nodes from its channel: the channel may take a sku only while
 * its availability (EVENTS.md `channel_availability`, as problem.ts computes it for the run) is positive,
 * and every unit another channel takes from those nodes lowers it. So the units under the buffer are
 * reached only after the rest is gone — too late for the buffered channel's orders, which by then go short.
 * The transportation problem has no time in it; it is given the buffered nodes' stock scaled down to the
 * availability (pro rata) whenever the buffered channel expects demand of the sku, so the others' use of
 * those nodes is priced against the channel's needs before the buffer is reached. Returns each resource's
 * scale (1 where no buffer applies).
 */
function bufferedShares(
  list: readonly number[],
  resources: StockResources,
  nodes: readonly NodeInfo[],
  classes: readonly DemandClass[],
  channels: ReadonlyMap<string, ChannelInfo>,
  allowedFor: (channelId: string) => Set<string> | null,
): Float64Array {
  const out = new Float64Array(list.length).fill(1);
  for (const channelId of new Set(classes.filter((k) => k.units > 0).map((k) => k.channelId))) {
    const channel = channels.get(channelId);
    if (!channel || (channel.bufferUnits <= 0 && channel.bufferPct <= 0)) continue;
    const members = allowedFor(channelId);
    const inChannel = list.map((r) => {
      const node = nodes[resources.resNode[r]!]!;
      return node.canShip && (!members || members.has(node.nodeId));
    });
    let sum = 0;
    list.forEach((r, i) => {
      if (inChannel[i]) sum += resources.resStock[r]!;
    });
    if (sum <= 0) continue;
    const afterUnits = Math.max(sum - channel.bufferUnits, 0);
    const available = Math.max(afterUnits - Math.floor((afterUnits * channel.bufferPct) / 100), 0);
    list.forEach((_, i) => {
      if (inChannel[i]) out[i] = Math.min(out[i]!, available / sum);
    });
  }
  return out;
}

/**
 * Multipliers of the expected demand for `n` equally likely scenarios: the mid-quantiles of a Poisson
 * total with mean `mean` (normal approximation, floored at 0), divided by the mean.
 */
export function poissonScenarios(mean: number, n: number): number[] {
  if (n <= 1 || mean <= 0) return [1];
  const sd = Math.sqrt(mean);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.max(0, mean + sd * normalQuantile((i + 0.5) / n)) / mean);
  return out;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (coef: number[], x: number) => coef.reduce((acc, value) => acc * x + value, 0);
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

const EPS = 1e-9;

/**
 * Whether some supply could be used up: false when every class's cheapest node alone holds what is sent its
 * way — then that assignment is optimal with slack everywhere and every value is 0 (the common case).
 */
function scarce(
  stock: readonly number[],
  demand: readonly number[],
  cost: readonly (readonly number[])[],
): boolean {
  const load = new Float64Array(stock.length);
  for (let j = 0; j < demand.length; j++) {
    let best = -1;
    for (let i = 0; i < stock.length; i++) {
      if (Number.isFinite(cost[i]![j]!) && (best < 0 || cost[i]![j]! < cost[best]![j]!)) best = i;
    }
    if (best >= 0) load[best] = load[best]! + demand[j]!;
  }
  for (let i = 0; i < stock.length; i++) if (load[i]! >= stock[i]! - EPS) return true;
  return false;
}

/**
 * The transportation problem above for one sku, for demand scaled by each multiplier in turn (ascending):
 * per multiplier, each supply's left derivative of the optimal cost in its stock — 0 when the supply is not
 * used up, else the cheapest way to re-serve a unit it gives (a path from a supply with units left, or from
 * the shortage source, ending on one of its flows).
 *
 * Successive shortest paths with Dijkstra on reduced costs (a dense bipartite graph of a few dozen
 * vertices). Raising the demand keeps the flow optimal and the potentials valid, so the scenarios continue
 * one solve instead of starting over; after each, the potentials are the shortest distances from the
 * super-source, i.e. the duals.
 */
export function transportationDuals(
  stock: readonly number[],
  demand: readonly number[],
  cost: readonly (readonly number[])[],
  shortage: number,
  multipliers: readonly number[] = [1],
): Float64Array[] {
  const m = stock.length;
  const k = demand.length;
  // Vertices: supplies 0..m-1, the shortage source m, classes m+1..m+k.
  const V = m + 1 + k;
  const c = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) c[i * k + j] = cost[i]![j]!;
  const flow = new Float64Array(m * k);
  const left = Float64Array.from(stock);
  const need = new Float64Array(k);
  const pi = new Float64Array(V);
  const dist = new Float64Array(V);
  const parent = new Int32Array(V);
  const done = new Uint8Array(V);

  /**
   * Dijkstra on reduced costs from the super-source, stopping at the first unmet class popped (`full`: not
   * stopping); then potentials += distances, capped at the stopping distance (keeps reduced costs ≥ 0).
   * Returns the class vertex reached, or −1.
   */
  const search = (full: boolean): number => {
    dist.fill(Number.POSITIVE_INFINITY);
    parent.fill(-1);
    done.fill(0);
    for (let i = 0; i < m; i++) if (left[i]! > EPS) dist[i] = -pi[i]!;
    dist[m] = -pi[m]!;
    let target = -1;
    for (;;) {
      let u = -1;
      for (let v = 0; v < V; v++)
        if (!done[v] && dist[v]! < Number.POSITIVE_INFINITY && (u < 0 || dist[v]! < dist[u]!)) u = v;
      if (u < 0) break;
      done[u] = 1;
      if (!full && u > m && need[u - m - 1]! > EPS) {
        target = u;
        break;
      }
      const du = dist[u]! + pi[u]!;
      if (u < m) {
        for (let j = 0; j < k; j++) {
          const cost = c[u * k + j]!;
          if (cost === Number.POSITIVE_INFINITY) continue;
          const v = m + 1 + j;
          const nd = du + cost - pi[v]!;
          if (nd < dist[v]! - EPS) {
            dist[v] = nd;
            parent[v] = u;
          }
        }
      } else if (u === m) {
        for (let j = 0; j < k; j++) {
          const v = m + 1 + j;
          const nd = du + shortage - pi[v]!;
          if (nd < dist[v]! - EPS) {
            dist[v] = nd;
            parent[v] = u;
          }
        }
      } else {
        const j = u - m - 1;
        for (let i = 0; i < m; i++) {
          if (done[i] || flow[i * k + j]! <= EPS) continue;
          const nd = du - c[i * k + j]! - pi[i]!;
          if (nd < dist[i]! - EPS) {
            dist[i] = nd;
            parent[i] = u;
          }
        }
      }
    }
    const cap = target >= 0 ? dist[target]! : Number.POSITIVE_INFINITY;
    for (let v = 0; v < V; v++) pi[v] = pi[v]! + Math.min(dist[v]!, cap);
    return target;
  };

  const results: Float64Array[] = [];
  const added = new Float64Array(k);
  for (const scale of [...multipliers].sort((a, b) => a - b)) {
    for (let j = 0; j < k; j++) {
      const more = Math.max(0, demand[j]! * scale - added[j]!);
      need[j] = need[j]! + more;
      added[j] = added[j]! + more;
    }
    for (let guard = 0; guard < 4 * (V + 1) * (V + 1); guard++) {
      // The unmet class nearest the super-source.
      const best = search(false);
      if (best < 0) break;
      let qty = need[best - m - 1]!;
      let v = best;
      while (parent[v]! >= 0) {
        const u = parent[v]!;
        if (u > m) qty = Math.min(qty, flow[v * k + (u - m - 1)]!);
        else if (u < m && parent[u]! < 0) qty = Math.min(qty, left[u]!);
        v = u;
      }
      v = best;
      while (parent[v]! >= 0) {
        const u = parent[v]!;
        if (u > m) flow[v * k + (u - m - 1)] = flow[v * k + (u - m - 1)]! - qty;
        else if (u < m) {
          flow[u * k + (v - m - 1)] = flow[u * k + (v - m - 1)]! + qty;
          if (parent[u]! < 0) left[u] = left[u]! - qty;
        }
        v = u;
      }
      need[best - m - 1] = need[best - m - 1]! - qty;
    }
    search(true);
    const duals = new Float64Array(m);
    for (let i = 0; i < m; i++)
      duals[i] = left[i]! > EPS || !Number.isFinite(pi[i]!) ? 0 : Math.max(0, pi[i]!);
    results.push(duals);
  }
  return results;
}
