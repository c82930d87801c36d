/**
 * Alert and anomaly lists as people read them: products and nodes named ("SKU-APP-00055 Northwind denim
 * jacket"), figures formatted, the most costly first. The CLI's table format uses these; JSON and CSV keep
 * the stored rows (machine-readable numbers).
 */
import { severityRank } from '../alerts/config.ts';
import type { AlertRow } from '../alerts/store.ts';
import { formatDate, formatDecimal, formatMoney, formatUnits } from '../format/human.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** Names of the products, nodes and channels a list mentions (unknown ones are left out). */
export interface Names {
  sku: Map<string, string>;
  node: Map<string, string>;
  channel: Map<string, string>;
}

const NAME_QUERIES = {
  sku: `SELECT sku AS id, name FROM stg_items
        WHERE list_contains(from_json($ids, '["VARCHAR"]'), sku) AND name IS NOT NULL`,
  node: `SELECT node_id AS id, name FROM stg_nodes
         WHERE list_contains(from_json($ids, '["VARCHAR"]'), node_id) AND name IS NOT NULL`,
  channel: `SELECT channel_id AS id, name FROM stg_channels
            WHERE list_contains(from_json($ids, '["VARCHAR"]'), channel_id) AND name IS NOT NULL`,
} as const;

/** Looks up the names of the given ids; a warehouse without master data gives empty maps. */
export async function lookupNames(
  warehouse: Warehouse,
  ids: { sku?: Iterable<string>; node?: Iterable<string>; channel?: Iterable<string> },
): Promise<Names> {
  const names: Names = { sku: new Map(), node: new Map(), channel: new Map() };
  for (const kind of ['sku', 'node', 'channel'] as const) {
    const wanted = [...new Set(ids[kind] ?? [])];
    if (wanted.length === 0) continue;
    try {
      const rows = await warehouse.all<{ id: string; name: string }>(NAME_QUERIES[kind], {
        ids: JSON.stringify(wanted),
      });
      for (const row of rows) names[kind].set(row.id, row.name);
    } catch {
      // No master data read model (a bare warehouse): ids alone are still correct.
    }
  }
  return names;
}

const clip = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text;

/** "ST-014 Boston store 2": the id the commands take, then the name people know. */
export function named(id: string | null | undefined, names: Map<string, string>, width = 40): string {
  if (id === null || id === undefined || id === '') return '';
  const name = names.get(id);
  return clip(name && name !== id ? `${id} ${name}` : id, width);
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** Money an alert puts at stake, from its impact: revenue at risk, value waiting, variance or refund value. */
export function alertMoney(impact: Record<string, unknown>): number | null {
  for (const key of ['revenue_at_risk', 'value_waiting', 'variance_value', 'refund_exposure', 'value']) {
    const value = num(impact[key]);
    if (value !== null) return Math.abs(value);
  }
  const perDay = num(impact.revenue_at_risk_per_day);
  return perDay === null ? null : perDay;
}

/** Most costly first: severity, money at stake, orders exposed, units, then the newest. */
export function sortAlertsByImpact<
  A extends Pick<AlertRow, 'severity' | 'impact' | 'opened_at' | 'alert_id'>,
>(alerts: readonly A[]): A[] {
  const units = (a: A) => num(a.impact.open_units) ?? num(a.impact.backlog_units) ?? num(a.impact.lines) ?? 0;
  return [...alerts].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (alertMoney(b.impact) ?? -1) - (alertMoney(a.impact) ?? -1) ||
      (num(b.impact.orders_exposed) ?? 0) - (num(a.impact.orders_exposed) ?? 0) ||
      units(b) - units(a) ||
      b.opened_at.localeCompare(a.opened_at) ||
      a.alert_id.localeCompare(b.alert_id),
  );
}

/**
 * The table's columns. The title already names the ids (sku, node, PO); `about` adds the names people know.
 * No alert id: no command takes one (JSON and CSV keep it).
 */
export const ALERT_COLUMNS = [
  'severity',
  'title',
  'about',
  'at stake',
  'orders',
  'detail',
  'opened',
] as const;

/** Alerts as table rows, most costly first, at most `limit`. */
export async function alertTable(
  warehouse: Warehouse,
  alerts: readonly AlertRow[],
  limit = 50,
): Promise<{ rows: Record<string, string>[]; more: number }> {
  const shown = sortAlertsByImpact(alerts).slice(0, limit);
  const names = await lookupNames(warehouse, {
    sku: shown.flatMap((a) => (a.sku ? [a.sku] : [])),
    node: shown.flatMap((a) => (a.node_id ? [a.node_id] : [])),
    channel: shown.flatMap((a) => (a.channel_id ? [a.channel_id] : [])),
  });
  const rows = shown.map((a) => {
    const money = alertMoney(a.impact);
    const orders = num(a.impact.orders_exposed);
    const about = [
      a.sku ? names.sku.get(a.sku) : undefined,
      a.node_id ? names.node.get(a.node_id) : undefined,
      a.channel_id ? names.channel.get(a.channel_id) : undefined,
    ].filter((name): name is string => name !== undefined && name !== '');
    return {
      severity: a.severity,
      title: a.title,
      about: clip(about.join(', '), 36),
      'at stake': money === null ? '' : formatMoney(money),
      orders: orders === null ? '' : formatUnits(orders),
      detail: a.detail,
      opened: formatDate(a.opened_at),
    };
  });
  return { rows, more: Math.max(0, alerts.length - shown.length) };
}

/** One scored day of an operational series flagged as an anomaly (the `anomalies` table). */
export interface AnomalyRow {
  metric: string;
  scope_kind: string;
  scope_id: string;
  day: Date | string;
  value: number;
  expected: number;
  score: number;
  direction: string;
}

export const ANOMALY_COLUMNS = ['day', 'metric', 'where', 'actual', 'expected', 'change', 'score'] as const;

/** Money metrics read as money; the others are counts of units (a tenth under 10: expected 0.3 is not 0). */
const figure = (metric: string, value: number): string =>
  metric.endsWith('_amount')
    ? formatMoney(value)
    : Math.abs(value) < 10 && !Number.isInteger(value)
      ? formatDecimal(value, 1)
      : formatUnits(value);

/** Largest first: score, then how far the day is from what was expected, then the latest day. */
export function sortAnomaliesByImpact<A extends AnomalyRow>(rows: readonly A[]): A[] {
  const gap = (a: A) => Math.abs(a.value - a.expected);
  const day = (a: A) => formatDate(a.day);
  return [...rows].sort(
    (a, b) =>
      b.score - a.score ||
      gap(b) - gap(a) ||
      day(b).localeCompare(day(a)) ||
      `${a.metric}|${a.scope_kind}|${a.scope_id}`.localeCompare(`${b.metric}|${b.scope_kind}|${b.scope_id}`),
  );
}

/** The days flagged as anomalies (optionally from `since`, a YYYY-MM-DD day); empty before any detection. */
export async function loadAnomalies(warehouse: Warehouse, since?: string): Promise<AnomalyRow[]> {
  try {
    return await warehouse.all<AnomalyRow>(
      `SELECT metric, scope_kind, scope_id, day, value, expected, score, direction FROM anomalies
       WHERE is_anomaly AND ($since::DATE IS NULL OR day >= $since::DATE)`,
      { since: since ?? null },
    );
  } catch {
    return []; // no anomalies table yet (a warehouse from before detection existed)
  }
}

/** Anomalies as table rows, largest first, at most `limit`. */
export async function anomalyTable(
  warehouse: Warehouse,
  anomalies: readonly AnomalyRow[],
  limit = 50,
): Promise<{ rows: Record<string, string>[]; more: number }> {
  const shown = sortAnomaliesByImpact(anomalies).slice(0, limit);
  const of = (kind: string) => shown.filter((a) => a.scope_kind === kind).map((a) => a.scope_id);
  const names = await lookupNames(warehouse, { sku: of('sku'), node: of('node'), channel: of('channel') });
  const where = (a: AnomalyRow): string => {
    switch (a.scope_kind) {
      case 'sku':
        return named(a.scope_id, names.sku, 36);
      case 'node':
        return named(a.scope_id, names.node, 36);
      case 'channel':
        return named(a.scope_id, names.channel, 36);
      case 'all':
        return 'all';
      default:
        return `${a.scope_kind} ${a.scope_id}`;
    }
  };
  const rows = shown.map((a) => ({
    day: formatDate(a.day),
    metric: a.metric.replaceAll('_', ' '),
    where: where(a),
    actual: figure(a.metric, a.value),
    expected: figure(a.metric, a.expected),
    change:
      a.expected > 0
        ? `${a.value >= a.expected ? '+' : '-'}${formatUnits((Math.abs(a.value - a.expected) / a.expected) * 100)}%`
        : a.direction,
    score: formatDecimal(a.score, 2),
  }));
  return { rows, more: Math.max(0, anomalies.length - shown.length) };
}
