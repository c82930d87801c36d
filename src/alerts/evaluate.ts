import { readQuery } from '../anomaly/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { AlertConfig, AlertRule, Severity } from './config.ts';

/** One rule's condition on one key, as the rule's SQL returns it. */
export interface Condition {
  rule_id: string;
  kind: AlertRule['kind'] | 'job_failure';
  condition_key: string;
  severity: Severity;
  role: string;
  node_id: string | null;
  channel_id: string | null;
  sku: string | null;
  title: string;
  detail: string;
  metric_value: number | null;
  threshold: number | null;
  impact: Record<string, unknown>;
}

interface ConditionRow {
  kind: string;
  condition_key: string;
  severity_override: 'critical' | null;
  node_id: string | null;
  channel_id: string | null;
  sku: string | null;
  title: string;
  detail: string;
  metric_value: number | null;
  threshold: number | null;
  impact: string;
}

/** The SQL parameters of a rule: its params (arrays as JSON text) and the evaluation time. */
function ruleParams(rule: AlertRule, asOf: Date): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = { as_of: asOf.toISOString().replace('Z', '') };
  for (const [key, value] of Object.entries(rule.params)) {
    params[key] = Array.isArray(value) ? JSON.stringify(value) : (value as string | number | boolean);
  }
  return params;
}

/** Runs one rule's query (sql/alerts/<kind>.sql) as of `asOf`. */
export async function evaluateRule(warehouse: Warehouse, rule: AlertRule, asOf: Date): Promise<Condition[]> {
  const rows = await warehouse.all<ConditionRow>(readQuery('alerts', rule.kind), ruleParams(rule, asOf));
  return rows.map((row) => ({
    rule_id: rule.id,
    kind: rule.kind,
    condition_key: row.condition_key,
    severity: row.severity_override ?? rule.severity,
    role: rule.role,
    node_id: row.node_id,
    channel_id: row.channel_id,
    sku: row.sku,
    title: row.title,
    detail: row.detail,
    metric_value: row.metric_value === null ? null : Number(row.metric_value),
    threshold: row.threshold === null ? null : Number(row.threshold),
    impact: JSON.parse(row.impact, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) as Record<
      string,
      unknown
    >,
  }));
}

/** Every enabled rule; a failing rule is reported and does not stop the others. */
export async function evaluateRules(
  warehouse: Warehouse,
  config: AlertConfig,
  asOf: Date,
): Promise<{ conditions: Condition[]; errors: { rule_id: string; error: string }[]; evaluated: string[] }> {
  const conditions: Condition[] = [];
  const errors: { rule_id: string; error: string }[] = [];
  const evaluated: string[] = [];
  for (const rule of config.rules) {
    if (!rule.enabled) continue;
    try {
      conditions.push(...(await evaluateRule(warehouse, rule, asOf)));
      evaluated.push(rule.id);
    } catch (error) {
      errors.push({ rule_id: rule.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { conditions, errors, evaluated };
}
