/**
 * Who owns each exception type, how long it may wait (SLA, hours from when the condition began, scaled by
 * severity), and whom it escalates to, in order. Configuration: `config/exceptions.json`.
 */
import path from 'node:path';
import * as z from 'zod';
import { CONFIG_DIR, loadConfig } from './config.ts';

const role = z.string().min(1).max(64);

const typePolicy = z.strictObject({
  owner: role,
  sla_hours: z.number().positive().max(100_000),
  escalate_to: z.array(role).max(10),
});

export const exceptionPolicySchema = z.strictObject({
  severity_sla_factor: z.strictObject({
    high: z.number().positive(),
    medium: z.number().positive(),
    low: z.number().positive(),
  }),
  default: typePolicy,
  types: z.record(z.string().min(1), typePolicy),
});

export type ExceptionPolicy = z.output<typeof exceptionPolicySchema>;
export type Severity = keyof ExceptionPolicy['severity_sla_factor'];

export const EXCEPTION_POLICY_FILE = path.join(CONFIG_DIR, 'exceptions.json');

let cached: ExceptionPolicy | undefined;

export function defaultExceptionPolicy(): ExceptionPolicy {
  cached ??= loadConfig(exceptionPolicySchema, EXCEPTION_POLICY_FILE);
  return cached;
}

export interface TypeRules {
  owner: string;
  slaHours: number;
  /** owner first, then the escalation roles: level n is owned by chain[n]. */
  chain: string[];
}

export function rulesFor(policy: ExceptionPolicy, type: string, severity: string): TypeRules {
  const rules = policy.types[type] ?? policy.default;
  const factor = policy.severity_sla_factor[severity as Severity] ?? 1;
  return {
    owner: rules.owner,
    slaHours: rules.sla_hours * factor,
    chain: [rules.owner, ...rules.escalate_to],
  };
}
