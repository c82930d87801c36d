import { createHash } from 'node:crypto';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { type Severity, severityRank } from './config.ts';
import type { Condition } from './evaluate.ts';

export interface AlertRow extends Omit<Condition, 'impact'> {
  alert_id: string;
  impact: Record<string, unknown>;
  status: 'open' | 'resolved';
  opened_at: string;
  last_seen_at: string;
  escalated_at: string | null;
  resolved_at: string | null;
}

/** Why a notification goes out: a new episode, or a higher severity within one. */
export interface AlertEvent {
  reason: 'opened' | 'escalated';
  alert: AlertRow;
}

const iso = (d: Date): string => d.toISOString();

function alertId(ruleId: string, key: string, openedAt: Date): string {
  return `al-${createHash('sha256').update(`${ruleId}\u0000${key}\u0000${openedAt.toISOString()}`).digest('hex').slice(0, 16)}`;
}

interface StoredAlert {
  alert_id: string;
  rule_id: string;
  condition_key: string;
  severity: Severity;
  opened_at: Date;
  escalated_at: Date | null;
}

/**
 * Dedup: folds a rule evaluation into alert episodes. A condition without an open alert opens one
 * (notify: opened); one already open is refreshed, and notifies again only when its severity rises
 * (escalated); open alerts of the evaluated rules whose condition is gone are resolved. So the same
 * condition never notifies twice until it resolves or escalates.
 */
export async function reconcileAlerts(
  warehouse: Warehouse,
  conditions: Condition[],
  evaluatedRules: string[],
  now: Date,
): Promise<{ events: AlertEvent[]; resolved: number; open: number }> {
  const open = await warehouse.all<StoredAlert>(
    `SELECT alert_id, rule_id, condition_key, severity, opened_at, escalated_at FROM alerts WHERE status = 'open'`,
  );
  const byKey = new Map(open.map((a) => [`${a.rule_id}\u0000${a.condition_key}`, a]));
  const seen = new Set<string>();
  const events: AlertEvent[] = [];
  for (const c of conditions) {
    const key = `${c.rule_id}\u0000${c.condition_key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const existing = byKey.get(key);
    const impact = JSON.stringify(c.impact);
    if (!existing) {
      const row: AlertRow = {
        ...c,
        alert_id: alertId(c.rule_id, c.condition_key, now),
        status: 'open',
        opened_at: iso(now),
        last_seen_at: iso(now),
        escalated_at: null,
        resolved_at: null,
      };
      await warehouse.run(
        `INSERT INTO alerts VALUES ($alert_id, $rule_id, $kind, $condition_key, $severity, $role, $node_id, $channel_id,
          $sku, $title, $detail, $impact::JSON, $metric_value, $threshold, 'open', $now::TIMESTAMPTZ, $now::TIMESTAMPTZ,
          NULL, NULL)`,
        {
          alert_id: row.alert_id,
          rule_id: c.rule_id,
          kind: c.kind,
          condition_key: c.condition_key,
          severity: c.severity,
          role: c.role,
          node_id: c.node_id,
          channel_id: c.channel_id,
          sku: c.sku,
          title: c.title,
          detail: c.detail,
          impact,
          metric_value: c.metric_value,
          threshold: c.threshold,
          now: iso(now),
        },
      );
      events.push({ reason: 'opened', alert: row });
      continue;
    }
    const escalates = severityRank(c.severity) > severityRank(existing.severity);
    await warehouse.run(
      `UPDATE alerts SET last_seen_at = $now::TIMESTAMPTZ, title = $title, detail = $detail, impact = $impact::JSON,
         metric_value = $metric_value, threshold = $threshold,
         severity = CASE WHEN $escalates THEN $severity ELSE severity END,
         escalated_at = CASE WHEN $escalates THEN $now::TIMESTAMPTZ ELSE escalated_at END
       WHERE alert_id = $alert_id`,
      {
        now: iso(now),
        title: c.title,
        detail: c.detail,
        impact,
        metric_value: c.metric_value,
        threshold: c.threshold,
        escalates,
        severity: c.severity,
        alert_id: existing.alert_id,
      },
    );
    if (escalates) {
      events.push({
        reason: 'escalated',
        alert: {
          ...c,
          alert_id: existing.alert_id,
          status: 'open',
          opened_at: iso(existing.opened_at),
          last_seen_at: iso(now),
          escalated_at: iso(now),
          resolved_at: null,
        },
      });
    }
  }
  let resolved = 0;
  const evaluated = new Set(evaluatedRules);
  for (const a of open) {
    if (!evaluated.has(a.rule_id) || seen.has(`${a.rule_id}\u0000${a.condition_key}`)) continue;
    await warehouse.run(
      `UPDATE alerts SET status = 'resolved', resolved_at = $now::TIMESTAMPTZ WHERE alert_id = $alert_id`,
      { now: iso(now), alert_id: a.alert_id },
    );
    resolved++;
  }
  return { events, resolved, open: seen.size };
}

export interface AlertFilter {
  status?: 'open' | 'resolved' | 'all';
  severity?: Severity;
  rule_id?: string;
  role?: string;
  limit?: number;
}

/** Alerts for the CLI and the API, most recent first. */
export async function listAlerts(warehouse: Warehouse, filter: AlertFilter = {}): Promise<AlertRow[]> {
  const rows = await warehouse.all<Record<string, unknown>>(
    `SELECT * FROM alerts
     WHERE ($status = 'all' OR status = $status)
       AND ($severity IS NULL OR list_position(['info', 'warning', 'critical'], severity)
                                 >= list_position(['info', 'warning', 'critical'], $severity))
       AND ($rule_id IS NULL OR rule_id = $rule_id)
       AND ($role IS NULL OR role = $role)
     ORDER BY opened_at DESC, alert_id
     LIMIT $limit`,
    {
      status: filter.status ?? 'open',
      severity: filter.severity ?? null,
      rule_id: filter.rule_id ?? null,
      role: filter.role ?? null,
      limit: filter.limit ?? 500,
    },
  );
  return rows.map(toAlertRow);
}

export function toAlertRow(r: Record<string, unknown>): AlertRow {
  const ts = (v: unknown): string | null =>
    v instanceof Date ? v.toISOString() : v === null ? null : String(v);
  return {
    ...(r as unknown as AlertRow),
    impact: typeof r.impact === 'string' ? JSON.parse(r.impact) : (r.impact as Record<string, unknown>),
    opened_at: ts(r.opened_at)!,
    last_seen_at: ts(r.last_seen_at)!,
    escalated_at: ts(r.escalated_at),
    resolved_at: ts(r.resolved_at),
  };
}
