import { normalQuantile } from './stats.ts';

/** What the policy knows about one sku × node when it sets its levels. */
export interface LevelInputs {
  /** Expected demand per day over the protection period. */
  dailyDemand: number;
  /**
   * Standard deviation of total demand over the protection period (lead time + review), from forecast
   * quantiles or residuals. When only a daily std is known: dailyStd × √(L + R) (independent days).
   */
  demandStdOverPeriod: number;
  leadTimeDays: number;
  leadTimeStdDays: number;
  reviewPeriodDays: number;
  serviceLevel: number;
  /** Extra cycle stock in days of demand (0: pure order-up-to). */
  orderCycleDays?: number;
}

export interface Levels {
  protectionDays: number;
  z: number;
  /** Units held against demand and lead-time spread. */
  safetyStock: number;
  /** Order at a review when the inventory position is below this. */
  reorderPoint: number;
  /** Order up to this inventory position. */
  orderUpTo: number;
}

/**
 * Periodic review (R, s, S). Over the protection period P = L + R, demand D_P has
 * Var(D_P) = σ²_P + d² σ²_L (demand spread over P plus lead-time spread times the daily rate), so
 *   safety stock SS = z × √(σ²_P + d² σ²_L), z = Φ⁻¹(service level)
 *   reorder point s = d × P + SS
 *   order-up-to S = s + d × orderCycleDays.
 * Levels are rounded up to whole units (a fraction of a unit would be a stockout).
 */
export function computeLevels(input: LevelInputs): Levels {
  const protectionDays = input.leadTimeDays + input.reviewPeriodDays;
  const z = normalQuantile(input.serviceLevel);
  const d = Math.max(0, input.dailyDemand);
  const spread = Math.sqrt(input.demandStdOverPeriod ** 2 + d * d * input.leadTimeStdDays ** 2);
  const safetyStock = Math.max(0, z * spread);
  const reorderPoint = Math.ceil(d * protectionDays + safetyStock - 1e-9);
  const orderUpTo = Math.ceil(d * protectionDays + safetyStock + d * (input.orderCycleDays ?? 0) - 1e-9);
  return { protectionDays, z, safetyStock, reorderPoint, orderUpTo };
}

/** Rounds a needed quantity to what can be ordered: at least the MOQ, then up to whole packs. */
export function roundOrderQty(needed: number, packSize = 1, moq = 0): number {
  if (!(needed > 0)) return 0;
  const pack = Math.max(1, Math.floor(packSize));
  const qty = Math.max(Math.ceil(needed - 1e-9), moq ?? 0);
  return Math.ceil(qty / pack) * pack;
}

/** The order at a review: none while the position is at or above the reorder point, else up to S, rounded. */
export function orderQuantity(
  inventoryPosition: number,
  levels: Pick<Levels, 'reorderPoint' | 'orderUpTo'>,
  packSize = 1,
  moq = 0,
): number {
  if (inventoryPosition >= levels.reorderPoint) return 0;
  return roundOrderQty(levels.orderUpTo - inventoryPosition, packSize, moq);
}
