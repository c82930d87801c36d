/**
 * The simulated retailer's master data: nodes (a DC, a returns centre, stores), regions and lanes, channels,
 * suppliers and items with their demand parameters, and each store's assortment. Built deterministically
 * from the scale preset and the seed; `masterEvents` turns it into the contract's upsert events.
 */
import type {
  ChannelUpsertedEvent,
  ItemUpsertedEvent,
  LaneUpsertedEvent,
  NodeUpsertedEvent,
  SupplierUpsertedEvent,
} from '../contracts/index.ts';
import { SEASONS, type Season } from './calendar.ts';
import { CATEGORIES, CATEGORY_PARAMS, type Category, type ScaleParams, type SupplierSpec } from './params.ts';
import { Rng } from './rng.ts';

export const DC = 0;
export const RC = 1;
/** Index of the first store among the nodes. */
export const FIRST_STORE = 2;

export interface SimNode {
  index: number;
  id: string;
  name: string;
  type: 'store' | 'dc' | 'returns_center';
  region: number;
  canShip: boolean;
  canPickup: boolean;
  /** Units picked per day (undefined: does not ship orders). */
  shipCapacity: number | undefined;
  pickCost: number | undefined;
  /** Carrier cutoff, seconds after midnight. */
  cutoff: number;
  /** Store demand multiplier (1 for non-stores). */
  size: number;
}

export interface SimItem {
  index: number;
  sku: string;
  name: string;
  category: number;
  brand: string;
  listPrice: number;
  unitCost: number;
  packSize: number;
  supplier: number;
  moq: number | undefined;
  /** Mean units per store-day at store size 1 and calendar factor 1. */
  rate: number;
  elasticity: number;
  season: number;
  seasonAmplitude: number;
  /** Day the item is created in the master (0: in the opening master data). */
  upsertDay: number;
  /** First day with demand. */
  launchDay: number;
  /** Planner's persistent forecast bias (multiplier). */
  planBias: number;
}

export interface SimSupplier {
  index: number;
  spec: SupplierSpec;
  /** Weekday of the weekly purchase order (0 = Monday). */
  reviewWeekday: number;
  items: number[];
}

export interface SimChannel {
  index: number;
  id: string;
  name: string;
  type: 'web' | 'marketplace' | 'store';
  source: string;
  /** Eligible fulfilment nodes. */
  nodes: number[];
  bufferUnits: number | undefined;
  bufferPct: number | undefined;
  /** Share of customers who still order when the channel shows no stock (stale feeds). */
  oversellRate: number;
}

export interface SimLane {
  node: number;
  region: number;
  transitDays: number;
  costPerOrder: number;
  costPerUnit: number;
}

export const WEB = 0;
export const MARKETPLACE_A = 1;
export const MARKETPLACE_B = 2;
export const STORES_CHANNEL = 3;

const COLOURS = ['black', 'navy', 'grey', 'white', 'red', 'green', 'sand', 'blue', 'olive', 'rust'];

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A shelf price: .99 above 10, .49 or .99 below. */
function shelfPrice(value: number): number {
  if (value >= 10) return Math.max(1, Math.round(value)) - 0.01;
  return Math.max(0.99, Math.round(value * 2) / 2 - 0.01);
}

export class Catalog {
  readonly params: ScaleParams;
  readonly nodes: SimNode[] = [];
  readonly stores: number[] = [];
  readonly items: SimItem[] = [];
  readonly suppliers: SimSupplier[] = [];
  readonly channels: SimChannel[] = [];
  readonly lanes: SimLane[] = [];
  readonly regionIds: string[];
  readonly regionWeights: number[];
  /** Per store (by node index), the sorted item indexes it carries; empty for non-stores. */
  readonly assortment: Int32Array[] = [];
  /** carried[node * items + item] = 1 when the store carries the item. */
  readonly carried: Uint8Array;
  /** transit[node * regions + region]: lane transit days, −1 without a lane. */
  private readonly transit: Int16Array;
  /** Sum of the sizes of the stores that carry each item. */
  readonly carriedSize: Float64Array;
  readonly dcRegion: number;
  readonly itemCount: number;
  readonly nodeCount: number;

  constructor(params: ScaleParams, seed: number, days: number) {
    this.params = params;
    const rng = Rng.derive(seed, 'catalog');
    this.regionIds = params.regions.map((region) => region.id);
    this.regionWeights = params.regions.map((region) => region.weight);
    this.dcRegion = Math.max(0, this.regionIds.indexOf(params.dcRegion));
    this.buildNodes(rng);
    this.nodeCount = this.nodes.length;
    this.buildSuppliers();
    this.buildItems(rng, days);
    this.itemCount = this.items.length;
    this.carried = new Uint8Array(this.nodeCount * this.itemCount);
    this.carriedSize = new Float64Array(this.itemCount);
    this.buildAssortments(rng);
    this.transit = new Int16Array(this.nodeCount * this.regionIds.length).fill(-1);
    this.buildLanes();
    this.buildChannels();
  }

  private buildNodes(rng: Rng): void {
    const p = this.params;
    const dcRegion = p.regions[this.dcRegion]!;
    this.nodes.push({
      index: DC,
      id: 'DC-01',
      name: `${dcRegion.cities[0]} distribution centre`,
      type: 'dc',
      region: this.dcRegion,
      canShip: true,
      canPickup: false,
      shipCapacity: 0, // set once demand is known (buildChannels)
      pickCost: 0.35,
      cutoff: 17 * 3600,
      size: 1,
    });
    this.nodes.push({
      index: RC,
      id: 'RC-01',
      name: `${dcRegion.cities[0]} returns centre`,
      type: 'returns_center',
      region: this.dcRegion,
      canShip: false,
      canPickup: false,
      shipCapacity: undefined,
      pickCost: undefined,
      cutoff: 16 * 3600,
      size: 1,
    });
    // stores per region: exact counts when given, else by weight (largest remainder)
    const counts: number[] = p.regions.map((region) => region.stores ?? 0);
    if (!counts.some((count) => count > 0)) {
      const total = p.regions.reduce((sum, region) => sum + region.weight, 0);
      const exact = p.regions.map((region) => (region.weight / total) * p.stores);
      exact.forEach((value, index) => {
        counts[index] = Math.floor(value);
      });
      const order = exact.map((value, index) => [value - Math.floor(value), index] as const);
      order.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      let missing = p.stores - counts.reduce((a, b) => a + b, 0);
      for (const [, index] of order) {
        if (missing-- <= 0) break;
        counts[index]!++;
      }
    }
    const sizes: number[] = [];
    const total = counts.reduce((a, b) => a + b, 0);
    for (let index = 0; index < total; index++) sizes.push(rng.lognormal(0, p.storeSizeLogSd));
    const meanSize = sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
    let number = 0;
    counts.forEach((count, regionIndex) => {
      const region = p.regions[regionIndex]!;
      for (let k = 0; k < count; k++) {
        number++;
        const city = region.cities[k % region.cities.length]!;
        const round = Math.floor(k / region.cities.length);
        const id =
          p.storeIds === 'regional' ? `${region.id}_${k + 1}` : `ST-${String(number).padStart(3, '0')}`;
        const index = this.nodes.length;
        this.stores.push(index);
        this.nodes.push({
          index,
          id,
          name: round === 0 ? `${city} store` : `${city} store ${round + 1}`,
          type: 'store',
          region: regionIndex,
          canShip: false,
          canPickup: true,
          shipCapacity: undefined,
          pickCost: undefined,
          cutoff: 15 * 3600,
          size: sizes[number - 1]! / meanSize,
        });
      }
    });
    // the largest stores of each region ship web orders
    const shipping = Math.round(this.stores.length * p.shipFromStoreShare);
    const bySize = [...this.stores].sort((a, b) => this.nodes[b]!.size - this.nodes[a]!.size || a - b);
    for (const index of bySize.slice(0, shipping)) {
      const node = this.nodes[index]!;
      node.canShip = true;
      node.shipCapacity = p.storeShipCapacity;
      node.pickCost = 0.9;
    }
  }

  private buildSuppliers(): void {
    this.params.suppliers.forEach((spec, index) => {
      this.suppliers.push({ index, spec, reviewWeekday: index % 6, items: [] });
    });
  }

  private buildItems(rng: Rng, days: number): void {
    const p = this.params;
    const shares = CATEGORIES.map((category) => p.categoryMix[category]);
    const totalShare = shares.reduce((a, b) => a + b, 0);
    // exact category counts, then a shuffled order so categories interleave
    const counts = shares.map((share) => Math.floor((share / totalShare) * p.items));
    let missing = p.items - counts.reduce((a, b) => a + b, 0);
    for (let index = 0; missing > 0; index = (index + 1) % counts.length, missing--) counts[index]!++;
    const labels: number[] = [];
    counts.forEach((count, category) => {
      for (let k = 0; k < count; k++) labels.push(category);
    });
    rng.shuffle(labels);
    const perCategory = CATEGORIES.map(() => 0);
    labels.forEach((category, index) => {
      const name = CATEGORIES[category]!;
      const c = CATEGORY_PARAMS[name];
      const sequence = ++perCategory[category]!;
      const brand = rng.pick(c.brands);
      const noun = rng.pick(c.nouns);
      const listPrice = shelfPrice(c.priceMedian * rng.lognormal(0, c.priceLogSd));
      const unitCost = round2(listPrice * c.costRatio * rng.uniform(0.9, 1.1));
      const supplier = this.pickSupplier(rng, name);
      let season: Season = 'none';
      if (rng.chance(c.seasonalItemShare)) {
        season =
          name === 'apparel'
            ? rng.chance(0.5)
              ? 'spring-summer'
              : 'fall-winter'
            : name === 'health'
              ? 'winter'
              : 'summer';
      }
      const leadTime = p.suppliers[supplier]!.leadTimeDays;
      let upsertDay = 0;
      let launchDay = 0;
      if (rng.chance(p.launchShare)) {
        const launch = rng.between(Math.floor(days * 0.3), Math.max(Math.floor(days * 0.3), days - 14));
        const upsert = launch - leadTime - 10;
        if (upsert >= 1) {
          upsertDay = upsert;
          launchDay = launch;
        }
      }
      const item: SimItem = {
        index,
        sku: `SKU-${c.code}-${String(index + 1).padStart(5, '0')}`,
        name: `${brand} ${noun} ${sequence} (${rng.pick(COLOURS)})`,
        category,
        brand,
        listPrice,
        unitCost,
        packSize: rng.pick(c.packSizes),
        supplier,
        moq: p.suppliers[supplier]!.moq,
        rate: rng.lognormal(p.rateLogMean, p.rateLogSd),
        elasticity: c.elasticity * rng.uniform(0.85, 1.15),
        season: SEASONS.indexOf(season),
        seasonAmplitude: c.seasonalItemAmplitude,
        upsertDay,
        launchDay,
        planBias: rng.lognormal(0, 0.2),
      };
      this.items.push(item);
      this.suppliers[supplier]!.items.push(index);
    });
  }

  private pickSupplier(rng: Rng, category: Category): number {
    const candidates = this.params.suppliers
      .map((spec, index) => ({ spec, index }))
      .filter(({ spec }) => spec.categories.includes(category));
    if (candidates.length === 0) return 0;
    const total = candidates.reduce((sum, { spec }) => sum + spec.weight, 0);
    let u = rng.next() * total;
    for (const candidate of candidates) {
      u -= candidate.spec.weight;
      if (u < 0) return candidate.index;
    }
    return candidates[candidates.length - 1]!.index;
  }

  private buildAssortments(rng: Rng): void {
    const p = this.params;
    const n = this.items.length;
    // popularity percentile of each item by rate
    const order = this.items
      .map((item) => item.index)
      .sort((a, b) => this.items[a]!.rate - this.items[b]!.rate);
    const percentile = new Float64Array(n);
    order.forEach((item, rank) => {
      percentile[item] = (rank + 0.5) / n;
    });
    const bySize = [...this.stores].sort((a, b) => this.nodes[a]!.size - this.nodes[b]!.size || a - b);
    const share = new Map<number, number>();
    bySize.forEach((store, rank) => {
      const t = bySize.length === 1 ? 1 : rank / (bySize.length - 1);
      share.set(store, p.assortment[0] + (p.assortment[1] - p.assortment[0]) * t);
    });
    for (let node = 0; node < this.nodes.length; node++) {
      if (this.nodes[node]!.type !== 'store') {
        this.assortment.push(new Int32Array(0));
        continue;
      }
      const a = share.get(node)!;
      const carried: number[] = [];
      for (let item = 0; item < n; item++) {
        const probability = a >= 1 ? 1 : Math.min(1, a * (0.5 + percentile[item]!));
        if (rng.next() < probability) {
          carried.push(item);
          this.carried[node * n + item] = 1;
          this.carriedSize[item] = this.carriedSize[item]! + this.nodes[node]!.size;
        }
      }
      this.assortment.push(Int32Array.from(carried));
    }
  }

  private buildLanes(): void {
    const regions = this.params.regions;
    regions.forEach((region, index) => {
      this.addLane({
        node: DC,
        region: index,
        transitDays: region.transitDays,
        costPerOrder: region.costPerOrder,
        costPerUnit: region.costPerUnit,
      });
    });
    for (const store of this.stores) {
      const node = this.nodes[store]!;
      if (!node.canShip) continue;
      this.addLane({ node: store, region: node.region, transitDays: 1, costPerOrder: 7, costPerUnit: 0.3 });
    }
  }

  private addLane(lane: SimLane): void {
    this.lanes.push(lane);
    this.transit[lane.node * this.regionIds.length + lane.region] = lane.transitDays;
  }

  /** Transit days from a node to a region, or −1 without a lane. */
  transitDays(node: number, region: number): number {
    return this.transit[node * this.regionIds.length + region]!;
  }

  /** Truck transit for replenishment from the DC to a node (at least a day). */
  truckDays(node: number): number {
    return Math.max(1, this.params.regions[this.nodes[node]!.region]!.transitDays);
  }

  private buildChannels(): void {
    const shippingStores = this.stores.filter((store) => this.nodes[store]!.canShip);
    this.channels.push({
      index: WEB,
      id: 'WEB',
      name: 'Web shop',
      type: 'web',
      source: 'web',
      nodes: [DC, ...shippingStores],
      bufferUnits: undefined,
      bufferPct: undefined,
      oversellRate: 0.05,
    });
    this.channels.push({
      index: MARKETPLACE_A,
      id: 'MKT-AMZ',
      name: 'Amazon marketplace',
      type: 'marketplace',
      source: 'amazon',
      nodes: [DC],
      bufferUnits: undefined,
      bufferPct: 10,
      oversellRate: 0.15,
    });
    this.channels.push({
      index: MARKETPLACE_B,
      id: 'MKT-EBAY',
      name: 'eBay marketplace',
      type: 'marketplace',
      source: 'ebay',
      nodes: [DC],
      bufferUnits: 2,
      bufferPct: undefined,
      oversellRate: 0.15,
    });
    this.channels.push({
      index: STORES_CHANNEL,
      id: 'STORES',
      name: 'Stores',
      type: 'store',
      source: 'pos',
      nodes: [...this.stores],
      bufferUnits: undefined,
      bufferPct: undefined,
      oversellRate: 0,
    });
  }

  /** Mean online units per day of an item at calendar factor 1 (all online channels). */
  onlineRate(item: SimItem): number {
    const c = CATEGORY_PARAMS[CATEGORIES[item.category]!];
    const share = Math.min(0.9, c.onlineShare * this.params.onlineShareScale);
    return item.rate * this.stores.length * (share / (1 - share));
  }

  /** Sets the DC's ship capacity from expected online demand (called once, before master data). */
  setDcCapacity(unitsPerDay: number): void {
    this.nodes[DC]!.shipCapacity = Math.max(
      50,
      Math.round((unitsPerDay * this.params.dcCapacityHeadroom) / 10) * 10,
    );
  }

  nodeUpserted(node: SimNode, shipCapacity = node.shipCapacity): NodeUpsertedEvent {
    return {
      event_id: '',
      type: 'node_upserted',
      occurred_at: '',
      source: 'erp',
      node_id: node.id,
      name: node.name,
      node_type: node.type,
      region: this.regionIds[node.region]!,
      can_ship: node.canShip,
      can_pickup: node.canPickup,
      ship_capacity_per_day: node.canShip ? shipCapacity : undefined,
      pick_cost: node.pickCost,
      carrier_cutoff: node.canShip ? hhmm(node.cutoff) : undefined,
    };
  }

  itemUpserted(item: SimItem): ItemUpsertedEvent {
    return {
      event_id: '',
      type: 'item_upserted',
      occurred_at: '',
      source: 'erp',
      sku: item.sku,
      name: item.name,
      category: CATEGORIES[item.category]!,
      brand: item.brand,
      unit_cost: item.unitCost,
      list_price: item.listPrice,
      pack_size: item.packSize,
      supplier_id: this.suppliers[item.supplier]!.spec.id,
      moq: item.moq,
    };
  }

  /** The opening master data: nodes, lanes, suppliers, channels, then the items that exist on day 0. */
  *masterEvents(): Generator<
    NodeUpsertedEvent | LaneUpsertedEvent | SupplierUpsertedEvent | ChannelUpsertedEvent | ItemUpsertedEvent
  > {
    for (const node of this.nodes) yield this.nodeUpserted(node);
    for (const lane of this.lanes) {
      yield {
        event_id: '',
        type: 'lane_upserted',
        occurred_at: '',
        source: 'erp',
        node_id: this.nodes[lane.node]!.id,
        region: this.regionIds[lane.region]!,
        transit_days: lane.transitDays,
        cost_per_order: lane.costPerOrder,
        cost_per_unit: lane.costPerUnit,
      } satisfies LaneUpsertedEvent;
    }
    for (const supplier of this.suppliers) {
      yield {
        event_id: '',
        type: 'supplier_upserted',
        occurred_at: '',
        source: 'erp',
        supplier_id: supplier.spec.id,
        name: supplier.spec.name,
        lead_time_days: supplier.spec.leadTimeDays,
        moq: supplier.spec.moq,
      } satisfies SupplierUpsertedEvent;
    }
    for (const channel of this.channels) {
      yield {
        event_id: '',
        type: 'channel_upserted',
        occurred_at: '',
        source: 'erp',
        channel_id: channel.id,
        name: channel.name,
        channel_type: channel.type,
        node_ids: channel.nodes.map((node) => this.nodes[node]!.id),
        buffer_units: channel.bufferUnits,
        buffer_pct: channel.bufferPct,
      } satisfies ChannelUpsertedEvent;
    }
    for (const item of this.items) if (item.upsertDay === 0) yield this.itemUpserted(item);
  }
}

function hhmm(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
