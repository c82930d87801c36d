import { formatDays, formatMoney } from '../../format/human.ts';

/** One node that could give stock to a short node. */
export interface Donor {
  nodeId: string;
  /** Units it can spare: available above max(its own order-up-to level, excessWeeks of its demand). */
  spareQty: number;
  transitDays: number;
  costPerOrder: number;
  costPerUnit: number;
}

export interface SourcingDecision {
  kind: 'transfer' | 'purchase';
  fromNodeId?: string;
  qty: number;
  cost: number;
  leadDays: number;
  /** Why, in one sentence. */
  reason: string;
}

/** Why a transfer from `donor`, in one clause: its freight against buying, its transit against the supplier's lead time. */
function transferReason(donor: Donor, freight: number, buying: number, leadDays: number): string {
  const timing = Number.isFinite(leadDays)
    ? `${formatDays(donor.transitDays)} in transit where buying takes ${formatDays(leadDays)}`
    : `${formatDays(donor.transitDays)} in transit (no supplier delivers to this node)`;
  return `freight ${formatMoney(freight)} instead of ${formatMoney(buying)} to buy, ${timing}`;
}

/**
 * Transfer or buy: a transfer from a node with excess is chosen when its freight (cost per order + cost per
 * unit) is below the purchase cost of the same units (the excess is already paid for; buying adds new
 * stock on top of it) and it arrives no later than a purchase would. The cheapest such donor wins (then
 * the fastest); it moves at most what it can spare, the rest is bought.
 */
export function chooseSource(
  neededQty: number,
  purchase: { unitCost: number; leadDays: number },
  donors: readonly Donor[],
  minTransferQty = 1,
): SourcingDecision[] {
  const decisions: SourcingDecision[] = [];
  let remaining = neededQty;
  const candidates = donors
    .filter((donor) => donor.spareQty >= minTransferQty && donor.transitDays <= purchase.leadDays)
    .map((donor) => {
      const qty = Math.min(remaining, donor.spareQty);
      return { donor, qty, cost: donor.costPerOrder + donor.costPerUnit * qty };
    })
    .filter((c) => c.qty > 0 && c.cost < c.qty * purchase.unitCost)
    .sort((a, b) => a.cost / a.qty - b.cost / b.qty || a.donor.transitDays - b.donor.transitDays);
  for (const { donor } of candidates) {
    if (remaining <= 0) break;
    const qty = Math.min(remaining, donor.spareQty);
    if (qty < minTransferQty) continue;
    const cost = donor.costPerOrder + donor.costPerUnit * qty;
    if (cost >= qty * purchase.unitCost) continue;
    decisions.push({
      kind: 'transfer',
      fromNodeId: donor.nodeId,
      qty,
      cost,
      leadDays: donor.transitDays,
      reason: transferReason(donor, cost, qty * purchase.unitCost, purchase.leadDays),
    });
    remaining -= qty;
  }
  if (remaining > 0) {
    decisions.push({
      kind: 'purchase',
      qty: remaining,
      cost: remaining * purchase.unitCost,
      leadDays: purchase.leadDays,
      reason:
        decisions.length > 0
          ? 'the rest is bought: no more spare stock nearby'
          : 'no node has spare stock that is cheaper and faster than buying',
    });
  }
  return decisions;
}
