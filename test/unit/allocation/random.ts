/** Seeded random allocation instances for property tests. */
import { seededRandom } from '../../../bench/lib/rng.ts';
import type { AllocationInput, ChannelInfo } from '../../../src/allocation/types.ts';
import { type NodeSpec, type OrderSpec, scenario } from './fixtures.ts';

export interface RandomSize {
  nodes: number;
  skus: number;
  orders: number;
  maxLines: number;
  maxQty: number;
  maxStock: number;
}

export function randomInstance(seed: number, size: RandomSize): AllocationInput {
  const rng = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const money = (lo: number, hi: number) => Math.round((lo + rng() * (hi - lo)) * 100) / 100;
  const regions = ['east', 'west'];
  const skus = Array.from({ length: size.skus }, (_, i) => `S${i + 1}`);
  const nodes: Record<string, NodeSpec> = {};
  const nodeIds = Array.from({ length: size.nodes }, (_, i) => `N${i + 1}`);
  for (const nodeId of nodeIds) {
    const stock: Record<string, number> = {};
    for (const sku of skus) if (rng() < 0.7) stock[sku] = int(0, size.maxStock);
    const lanes: Record<string, [number, number, number]> = {};
    for (const region of regions) if (rng() < 0.85) lanes[region] = [int(1, 4), money(1, 6), money(0, 2)];
    nodes[nodeId] = {
      region: regions[int(0, 1)]!,
      canShip: rng() < 0.85,
      canPickup: rng() < 0.4,
      capacity: rng() < 0.5 ? null : int(1, 3 * size.maxQty),
      pickCost: money(0, 1),
      lanes,
      stock,
    };
  }
  const shopNodes = nodeIds.filter(() => rng() < 0.6);
  const channels: ChannelInfo[] = [
    { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
    { channelId: 'shop', nodeIds: shopNodes, bufferUnits: int(0, 2), bufferPct: rng() < 0.5 ? 0 : 20 },
  ];
  const orders: Record<string, OrderSpec> = {};
  for (let o = 1; o <= size.orders; o++) {
    const lineCount = int(1, size.maxLines);
    const picked = [...skus].sort(() => rng() - 0.5).slice(0, lineCount);
    const pickupNodes = nodeIds.filter((id) => nodes[id]!.canPickup);
    const pickup =
      rng() < 0.1 && pickupNodes.length > 0 ? pickupNodes[int(0, pickupNodes.length - 1)] : undefined;
    orders[`O${o}`] = {
      channel: rng() < 0.7 ? 'web' : 'shop',
      region: regions[int(0, 1)]!,
      ...(pickup ? { pickup } : {}),
      promise: rng() < 0.3 ? null : int(0, 4),
      lines: picked.map((sku) => [sku, int(1, size.maxQty)] as [string, number]),
    };
  }
  return scenario({ nodes, channels, orders });
}
