/**
 * The allocator's decisions as contract events (`allocated`, `allocation_released`) with deterministic ids:
 * `alloc-<order>-<line>-<node>-<n>` where n counts the allocations of that line at that node so far (and
 * `allocrel-…` likewise for releases). Re-running a run that already landed produces nothing (the lines are
 * covered); re-sending the same decision lands as a duplicate; a different decision under an id that
 * already landed is a conflict and is rejected — never a second allocation.
 */
import { createHash } from 'node:crypto';
import type { Allocation, ClaimInfo, Release } from './types.ts';

/** The envelope's `source` on every event the allocator writes. */
export const ALLOCATOR_SOURCE = 'allocator';

const MAX_ID = 128;

export interface AllocationEvent {
  event_id: string;
  type: 'allocated' | 'allocation_released';
  occurred_at: string;
  source: string;
  order_id: string;
  line_id: string;
  node_id: string;
  sku: string;
  qty: number;
  reason?: string;
}

export function eventId(prefix: string, orderId: string, lineId: string, nodeId: string, n: number): string {
  const id = `${prefix}-${orderId}-${lineId}-${nodeId}-${n}`;
  if (id.length <= MAX_ID) return id;
  const digest = createHash('sha256')
    .update(`${orderId}\u0000${lineId}\u0000${nodeId}`)
    .digest('hex')
    .slice(0, 40);
  return `${prefix}-${digest}-${n}`;
}

/** Releases first (their stock and capacity are what the allocations may reuse), then allocations. */
export function decisionEvents(
  asOf: string,
  claims: readonly ClaimInfo[],
  releases: readonly Release[],
  allocations: readonly Allocation[],
): AllocationEvent[] {
  const counts = new Map<string, { allocated: number; released: number }>();
  const key = (orderId: string, lineId: string, nodeId: string) => `${orderId}\u0000${lineId}\u0000${nodeId}`;
  for (const claim of claims) {
    const k = key(claim.orderId, claim.lineId, claim.nodeId);
    const count = counts.get(k) ?? { allocated: 0, released: 0 };
    count.allocated += claim.allocatedEvents;
    count.released += claim.releasedEvents;
    counts.set(k, count);
  }
  const next = (orderId: string, lineId: string, nodeId: string, kind: 'allocated' | 'released') => {
    const k = key(orderId, lineId, nodeId);
    const count = counts.get(k) ?? { allocated: 0, released: 0 };
    count[kind]++;
    counts.set(k, count);
    return count[kind];
  };
  const events: AllocationEvent[] = [];
  for (const release of releases) {
    events.push({
      event_id: eventId(
        'allocrel',
        release.orderId,
        release.lineId,
        release.nodeId,
        next(release.orderId, release.lineId, release.nodeId, 'released'),
      ),
      type: 'allocation_released',
      occurred_at: asOf,
      source: ALLOCATOR_SOURCE,
      order_id: release.orderId,
      line_id: release.lineId,
      node_id: release.nodeId,
      sku: release.sku,
      qty: release.qty,
      reason: release.reason,
    });
  }
  for (const allocation of allocations) {
    events.push({
      event_id: eventId(
        'alloc',
        allocation.orderId,
        allocation.lineId,
        allocation.nodeId,
        next(allocation.orderId, allocation.lineId, allocation.nodeId, 'allocated'),
      ),
      type: 'allocated',
      occurred_at: asOf,
      source: ALLOCATOR_SOURCE,
      order_id: allocation.orderId,
      line_id: allocation.lineId,
      node_id: allocation.nodeId,
      sku: allocation.sku,
      qty: allocation.qty,
    });
  }
  return events;
}
