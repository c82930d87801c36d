import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PEOPLE_ROLES } from '../auth/roles.ts';
import { PROJECT_ROOT } from '../warehouse/config.ts';
import { UserError } from '../warehouse/errors.ts';

/** Severities in increasing order: an alert escalates when its severity moves right. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Roles an alert concerns: the roles people act in (src/auth/roles.ts). */
export const alertRoleSchema = z.enum(PEOPLE_ROLES);

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  enabled: z.boolean().default(true),
  severity: severitySchema.default('warning'),
  role: alertRoleSchema,
  description: z.string().optional(),
};

export const ruleSchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('low_stock'),
    params: z
      .object({
        window_days: z.number().int().positive().default(28),
        cover_days: z.number().positive().default(3),
        reorder_days: z.number().positive().default(7),
        min_daily: z.number().nonnegative().default(0.5),
        critical_days: z.number().nonnegative().default(1),
      })
      .prefault({}),
  }),
  z.object({
    ...base,
    kind: z.literal('delayed_inbound'),
    params: z
      .object({
        slip_days: z.number().int().positive().default(3),
        critical_days: z.number().int().positive().default(7),
      })
      .prefault({}),
  }),
  z.object({
    ...base,
    kind: z.literal('inventory_mismatch'),
    params: z.object({ lookback_days: z.number().int().positive().default(1) }).prefault({}),
  }),
  z.object({
    ...base,
    kind: z.literal('fulfilment_backlog'),
    params: z
      .object({
        capacity_factor: z.number().positive().default(1),
        critical_ratio: z.number().positive().default(2),
      })
      .prefault({}),
  }),
  z.object({
    ...base,
    kind: z.literal('allocation_failures'),
    params: z.object({ min_open: z.number().int().positive().default(1) }).prefault({}),
  }),
  z.object({
    ...base,
    kind: z.literal('anomaly'),
    params: z
      .object({
        threshold: z.number().min(0).max(1).default(0.2),
        critical_score: z.number().min(0).max(1).default(0.9),
        lookback_days: z.number().int().positive().default(1),
        up_only: z.boolean().default(false),
        metrics: z.array(z.string()).default([]),
      })
      .prefault({}),
  }),
]);
export type AlertRule = z.infer<typeof ruleSchema>;
export type RuleKind = AlertRule['kind'];

export const alertConfigSchema = z
  .object({ rules: z.array(ruleSchema).min(1) })
  .refine((c) => new Set(c.rules.map((r) => r.id)).size === c.rules.length, {
    message: 'rule ids must be unique',
  });
export type AlertConfig = z.infer<typeof alertConfigSchema>;

export const DEFAULT_CONFIG_PATH = path.join(PROJECT_ROOT, 'config', 'alerts.json');

/** Reads and validates an alert configuration file; a mistake names the path and field. */
export function loadAlertConfig(file = DEFAULT_CONFIG_PATH): AlertConfig {
  if (!fs.existsSync(file)) throw new UserError(`No alert configuration at ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseAlertConfig(raw, file);
}

export function parseAlertConfig(raw: unknown, source = 'alert configuration'): AlertConfig {
  const result = alertConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new UserError(`${source}: ${issues}`);
  }
  return result.data;
}
