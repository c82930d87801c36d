/**
 * Exceptions the allocator opens (shaped like the contract's `exceptions` read model):
 * - `promise_at_risk`: units allocated that cannot arrive by `promised_by` (no node can, or the ones that
 *   could had no room); the line is allocated from the best node anyway.
 * - `backorder`: units no eligible node can give now; the line stays open and is allocated by a later run
 *   when stock arrives.
 * - `substitution_offered`: substitutes that would arrive in time (substitution.ts).
 * Ids are stable per order line and type, so a later run updates rather than duplicates them.
 */
import { dayText } from './days.ts';
import type { AllocationException, LineExplanation, OrderInput, SubstituteOffer } from './types.ts';

export function exceptionId(type: string, orderId: string, lineId: string): string {
  return `${type}:${orderId}:${lineId}`;
}

export function lineExceptions(
  explanations: readonly LineExplanation[],
  orders: ReadonlyMap<string, OrderInput>,
): AllocationException[] {
  const exceptions: AllocationException[] = [];
  for (const line of explanations) {
    if (line.outcome === 'held') continue;
    const order = orders.get(line.orderId);
    const express = order?.serviceLevel === 'express';
    const late = line.allocatedQty - line.onTimeQty;
    if (late > 0) {
      const lateNodes = line.chosen.filter((chosen) => !chosen.onTime);
      exceptions.push({
        exceptionId: exceptionId('promise_at_risk', line.orderId, line.lineId),
        exceptionType: 'promise_at_risk',
        severity: express ? 'high' : 'medium',
        sku: line.sku,
        nodeId: lateNodes[0]?.nodeId ?? null,
        orderId: line.orderId,
        lineId: line.lineId,
        detail: {
          line_id: line.lineId,
          promised_by: line.promisedBy === null ? null : dayText(line.promisedBy),
          late_units: late,
          allocations: lateNodes.map((chosen) => ({
            node_id: chosen.nodeId,
            qty: chosen.qty,
            eta: dayText(chosen.eta),
          })),
          reason: line.reasons.find((reason) => reason.startsWith('promise')) ?? null,
        },
      });
    }
    const short = line.openQty - line.allocatedQty;
    if (short > 0) {
      exceptions.push({
        exceptionId: exceptionId('backorder', line.orderId, line.lineId),
        exceptionType: 'backorder',
        severity: express || line.allocatedQty === 0 ? 'high' : 'medium',
        sku: line.sku,
        nodeId: null,
        orderId: line.orderId,
        lineId: line.lineId,
        detail: {
          line_id: line.lineId,
          open_units: line.openQty,
          allocated_units: line.allocatedQty,
          backordered_units: short,
          promised_by: line.promisedBy === null ? null : dayText(line.promisedBy),
          reason: line.reasons.at(-1) ?? null,
        },
      });
    }
  }
  return exceptions;
}

export function substitutionException(
  request: { orderId: string; lineId: string; sku: string; qty: number },
  offers: readonly SubstituteOffer[],
): AllocationException {
  return {
    exceptionId: exceptionId('substitution_offered', request.orderId, request.lineId),
    exceptionType: 'substitution_offered',
    severity: 'low',
    sku: request.sku,
    nodeId: null,
    orderId: request.orderId,
    lineId: request.lineId,
    detail: {
      line_id: request.lineId,
      units: request.qty,
      substitutes: offers.map((offer) => ({
        sku: offer.sku,
        list_price: offer.listPrice,
        price_delta_pct: Math.round(offer.priceDelta * 1000) / 10,
        node_id: offer.nodeId,
        unit_cost: offer.unitCost,
        eta: dayText(offer.eta),
        available_units: offer.availableUnits,
      })),
    },
  };
}
