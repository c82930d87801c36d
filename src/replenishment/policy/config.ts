import * as z from 'zod';
import { UserError } from '../../warehouse/errors.ts';

/** A cycle service level: the probability of not running out in a replenishment cycle. */
const level = z.number().gt(0.5).lt(1);
const byXyz = (x: number, y: number, zz: number) =>
  z.strictObject({ X: level.default(x), Y: level.default(y), Z: level.default(zz) }).prefault({});

/**
 * The replenishment policy's settings: one zod schema is the validation, the defaults and the type.
 * Service levels by ABC (value) × XYZ (predictability) class: high-value, steady items get the highest.
 */
export const policyConfigSchema = z.strictObject({
  serviceLevels: z
    .strictObject({
      A: byXyz(0.98, 0.97, 0.96),
      B: byXyz(0.96, 0.95, 0.94),
      C: byXyz(0.94, 0.92, 0.9),
    })
    .prefault({}),
  /** ABC: cumulative share of revenue (items sorted by revenue) up to which an item is A, then B; the rest C. */
  abc: z
    .strictObject({ a: z.number().gt(0).lt(1).default(0.8), b: z.number().gt(0).lt(1).default(0.95) })
    .refine((v) => v.a < v.b, 'abc.a must be below abc.b')
    .prefault({}),
  /** XYZ: coefficient of variation of daily demand up to which an item is X, then Y; the rest Z. */
  xyz: z
    .strictObject({ x: z.number().positive().default(0.5), y: z.number().positive().default(1) })
    .refine((v) => v.x < v.y, 'xyz.x must be below xyz.y')
    .prefault({}),
  /** Days between reviews: an order placed now must cover lead time + this. */
  reviewPeriodDays: z.number().int().positive().default(7),
  /** Extra cycle stock on top of the reorder point, in days of demand (0: a pure order-up-to policy). */
  orderCycleDays: z.number().min(0).default(0),
  /** Days of recent demand the baseline reads when no active model's forecasts exist. */
  baselineDays: z.number().int().min(7).default(56),
  /** Lead-time spread assumed when a supplier has too little history: std = cv × lead time. */
  defaultLeadTimeCv: z.number().min(0).default(0.2),
  /** Received POs needed before a supplier × node's own lead-time distribution is trusted. */
  minLeadTimeObservations: z.number().int().min(2).default(3),
  transfer: z
    .strictObject({
      /** A node holds excess above this many weeks of supply (after keeping its own reorder point). */
      excessWeeks: z.number().positive().default(8),
      /** Smallest transfer worth moving. */
      minQty: z.number().int().positive().default(1),
    })
    .prefault({}),
  /**
   * Which recommendations are sent to the approval workflow when the plan runs (where its policy may
   * approve small ones at once): all, purchase orders only (transfers are one request per sku, so a
   * network's routine DC → store transfers are requested when a planner decides them), or none.
   */
  approvalRequests: z.enum(['all', 'purchase_orders', 'none']).default('purchase_orders'),
});

export type PolicyConfig = z.output<typeof policyConfigSchema>;
export type PolicyConfigInput = z.input<typeof policyConfigSchema>;

export type AbcClass = 'A' | 'B' | 'C';
export type XyzClass = 'X' | 'Y' | 'Z';

/** Validates a (partial) config; the defaults fill the rest. Throws a readable error on bad input. */
export function parsePolicyConfig(input: unknown = {}): PolicyConfig {
  const result = policyConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new UserError(`Invalid replenishment policy config: ${problems.join('; ')}`);
  }
  return result.data;
}

export function serviceLevel(config: PolicyConfig, abc: AbcClass, xyz: XyzClass): number {
  return config.serviceLevels[abc][xyz];
}
