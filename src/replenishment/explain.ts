/**
 * A recommendation in words and as a table, for people: short sentences and rounded figures (whole units,
 * money to the cent, whole days, whole packs). The plan keeps the exact numbers in its lines (JSON, API);
 * only the texts built here are rounded. Used by the plan (the stored `explanation` and each line's `why`)
 * and by `retailos replenish explain`.
 */
import {
  describePacks,
  formatDate,
  formatDays,
  formatDaysSpread,
  formatMoney,
  formatPacks,
  formatPercent,
  formatPerDay,
  formatUnits,
  MISSING,
  plural,
} from '../format/human.ts';
import type { AbcClass, XyzClass } from './policy/config.ts';
import type { Levels } from './policy/levels.ts';

export interface LineFacts {
  sku: string;
  nodeId: string;
  kind: 'purchase_order' | 'transfer';
  from: string | null;
  qty: number;
  packSize: number;
  moq: number;
  position: number;
  available: number;
  inbound: number;
  levels: Levels;
  daily: number;
  leadDays: number;
  leadStdDays: number;
  reviewDays: number;
  serviceLevel: number;
  abc: AbcClass;
  xyz: XyzClass;
  demandFrom: string;
  sensed: { uplift: number; driver: string } | null;
  /** Why this source (transfer or purchase), one clause. */
  reason: string;
  stockoutWithout: string | null;
  stockoutWith: string | null;
}

/** One line's why, in a few rounded sentences. */
export function lineWhy(f: LineFacts): string {
  const packs = f.packSize > 1 ? describePacks(f.qty, f.packSize) : null;
  const detail = [packs, f.moq > 0 ? `MOQ ${formatUnits(f.moq)}` : null].filter(Boolean).join(', ');
  const sensed = f.sensed
    ? `Demand sensing: sales run ${formatPercent(f.sensed.uplift, 0)} above plan (${f.sensed.driver}), planned at ${formatPerDay(f.daily)}. `
    : '';
  return (
    `${f.sku} at ${f.nodeId}: stock ${formatUnits(f.position)} (${formatUnits(f.available)} available + ${formatUnits(f.inbound)} inbound) ` +
    `is below the reorder point ${formatUnits(f.levels.reorderPoint)}: ${formatPerDay(f.daily)} over ${formatDays(f.levels.protectionDays)} ` +
    `(lead time ${formatDaysSpread(f.leadDays, f.leadStdDays)} + review ${formatDays(f.reviewDays)}) plus ${formatUnits(f.levels.safetyStock)} safety stock ` +
    `for ${formatPercent(f.serviceLevel, 0)} service (class ${f.abc}/${f.xyz}, demand from ${f.demandFrom}). ${sensed}` +
    `${f.kind === 'transfer' ? `Moving ${formatUnits(f.qty)} units from ${f.from}` : `Buying ${formatUnits(f.qty)} units`}` +
    `${detail ? ` (${detail})` : ''} brings it to ${formatUnits(f.position + f.qty)}; ${f.reason}. ` +
    (f.stockoutWithout
      ? `Without it stock runs out on ${f.stockoutWithout}`
      : 'Without it stock lasts the horizon') +
    (f.stockoutWith ? `; with it on ${f.stockoutWith}.` : '; with it, not within the horizon.')
  );
}

/** What the summary and the table read from a recommendation (stored or just planned). */
export interface ExplainedRecommendation {
  kind: 'purchase_order' | 'transfer';
  supplier_id: string | null;
  from_node_id: string | null;
  node_id: string;
  qty: number;
  cost: number;
  expected_arrival: string;
  lines: ExplainedLine[];
}

export interface ExplainedLine {
  sku: string;
  qty: number;
  cost: number;
  pack_size: number;
  daily_demand: number;
  lead_time_days: number;
  lead_time_std_days: number;
  levels: Pick<Levels, 'reorderPoint' | 'orderUpTo' | 'safetyStock'>;
  inventory_position: number;
  stockout_without: string | null;
  stockout_with: string | null;
  revenue_at_risk: number;
  curve: { day: string; without: number; with: number }[];
  why: string;
}

/** Lines by urgency: the earliest stockout without the recommendation first, then the most revenue at risk. */
export function linesByUrgency<L extends ExplainedLine>(lines: readonly L[]): L[] {
  return [...lines].sort(
    (a, b) =>
      (a.stockout_without ?? '9999').localeCompare(b.stockout_without ?? '9999') ||
      b.revenue_at_risk - a.revenue_at_risk ||
      a.sku.localeCompare(b.sku),
  );
}

/** One sentence: what, from where, cost, arrival and the revenue at risk without it. */
export function summaryHead(rec: ExplainedRecommendation): string {
  const who = rec.kind === 'purchase_order' ? `from supplier ${rec.supplier_id}` : `from ${rec.from_node_id}`;
  const risk = rec.lines.reduce((sum, line) => sum + line.revenue_at_risk, 0);
  return (
    `${rec.kind === 'purchase_order' ? 'Buy' : 'Transfer'} ${formatUnits(rec.qty)} units of ${plural(rec.lines.length, 'SKU')} ${who} for ${rec.node_id}, ` +
    `${rec.kind === 'purchase_order' ? 'cost' : 'freight'} ${formatMoney(rec.cost)}, arriving about ${formatDate(rec.expected_arrival)}` +
    (risk > 0 ? `; without it ${formatMoney(risk)} of revenue is at risk.` : '.')
  );
}

/** The stored `explanation`: the summary sentence, then the only line's why or the most urgent line. */
export function recommendationSummary(rec: ExplainedRecommendation): string {
  const head = summaryHead(rec);
  if (rec.lines.length === 1) return `${head} ${rec.lines[0]!.why}`;
  const first = linesByUrgency(rec.lines)[0];
  const soonest = first?.stockout_without
    ? ` The first to run out without it: ${first.sku} on ${first.stockout_without}.`
    : '';
  return `${head} Each SKU is below its reorder point.${soonest}`;
}

/** The explain table's columns, in order. */
export const EXPLAIN_COLUMNS = [
  'sku',
  'units',
  'packs',
  'stock',
  'reorder at',
  'up to',
  'demand',
  'lead time',
  'runs out',
  'with it',
  'at risk',
] as const;

/** One row per line, most urgent first, every figure rounded for reading. */
export function explainRows(rec: ExplainedRecommendation): Record<string, string>[] {
  return linesByUrgency(rec.lines).map((line) => ({
    sku: line.sku,
    units: formatUnits(line.qty),
    packs: line.pack_size > 1 ? formatPacks(line.qty, line.pack_size) : '',
    stock: formatUnits(line.inventory_position),
    'reorder at': formatUnits(line.levels.reorderPoint),
    'up to': formatUnits(line.levels.orderUpTo),
    demand: formatPerDay(line.daily_demand),
    'lead time': formatDaysSpread(line.lead_time_days, line.lead_time_std_days),
    'runs out': line.stockout_without ?? MISSING,
    'with it': line.stockout_with ?? MISSING,
    'at risk': formatMoney(line.revenue_at_risk),
  }));
}

/** What the columns mean, under the table. */
export const EXPLAIN_LEGEND = [
  'stock = available + inbound; reorder at = demand over lead time + review, plus safety stock;',
  'runs out / with it = first day without stock, without / with this recommendation (– = not in the projection);',
  'at risk = revenue of the units short before it arrives.',
].join('\n');

/** A line's projected stock per day, in whole units. */
export function curveRows(line: ExplainedLine): Record<string, string>[] {
  return line.curve.map((point) => ({
    day: point.day,
    without: formatUnits(point.without),
    with: formatUnits(point.with),
  }));
}
