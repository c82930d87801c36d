/**
 * Replenishment as a service over the warehouse: plan (recommendations), supplier performance, exposure.
 * Entry points (CLI, API) call these; the formulas are in policy/ and plan.ts, the queries in sql/replenishment/.
 */

import { businessNow } from '../clock/business-clock.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { ApprovalPolicy } from '../workflow/policy.ts';
import { workflowApprovals } from './approvals.ts';
import { buildPlan, type Lane, type PlanPosition } from './plan.ts';
import { type PolicyConfig, parsePolicyConfig } from './policy/config.ts';
import type { LeadTimeHistory } from './policy/demand.ts';
import { ensureReadModels, queryModel, renderQuery, renderWithModels, replenishmentSql } from './sql.ts';
import { getRecommendation, listRecommendations, saveRun } from './store.ts';

export { businessNow } from '../clock/business-clock.ts';

const DAY = 86_400_000;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

export interface PlanOptions {
  asOf?: Date | undefined;
  config?: unknown;
  onProgress?: ((message: string) => void) | undefined;
  /** The approval policy (default: config/approvals.json). */
  approvalPolicy?: ApprovalPolicy | undefined;
}

export interface PlanSummary {
  runId: string;
  asOf: Date;
  positions: number;
  demandSource: string;
  recommendations: number;
  autoApproved: number;
  ids: string[];
}

/** Runs the policy over every sku × node and records the recommendations (proposed) of a new run. */
export async function planReplenishment(
  warehouse: Warehouse,
  options: PlanOptions = {},
): Promise<PlanSummary> {
  const config: PolicyConfig = parsePolicyConfig(options.config ?? {});
  const progress = options.onProgress ?? (() => {});
  await ensureReadModels(warehouse);
  const asOf = options.asOf ?? (await businessNow(warehouse));
  progress('reading positions, demand and forecasts');
  const positions = (
    await warehouse.all(replenishmentSql('plan_positions'), {
      as_of: asOf.toISOString(),
      days: config.baselineDays,
    })
  ).map(
    (row) =>
      ({
        ...row,
        available: num(row.available),
        in_transit_in: num(row.in_transit_in),
        on_order: num(row.on_order),
        unit_cost: num(row.unit_cost),
        list_price: num(row.list_price),
        pack_size: num(row.pack_size) || 1,
        moq: num(row.moq),
        nominal_lead_time_days: numOrNull(row.nominal_lead_time_days),
        demand_sum: num(row.demand_sum),
        demand_sumsq: num(row.demand_sumsq),
        transfer_sum: num(row.transfer_sum),
        transfer_sumsq: num(row.transfer_sumsq),
        customer_sum: num(row.customer_sum),
        forecast_mean: numOrNull(row.forecast_mean),
        forecast_var: numOrNull(row.forecast_var),
        forecast_days: num(row.forecast_days),
        sensed_daily: numOrNull(row.sensed_daily),
        sensed_uplift: numOrNull(row.sensed_uplift),
      }) as PlanPosition,
  );
  // each node's daily total over the same window: the seasonal change the no-forecast fallback applies
  const nodeDemand = new Map<string, readonly number[]>();
  for (const row of await warehouse.all<{ node_id: string; daily: unknown[] }>(
    replenishmentSql('plan_node_demand'),
    { as_of: asOf.toISOString(), days: config.baselineDays },
  ))
    nodeDemand.set(row.node_id, row.daily.map(num));
  progress(`${positions.length} positions; reading supplier lead times and lanes`);
  const leadTimes = new Map<string, LeadTimeHistory>();
  for (const row of await queryModel(warehouse, 'supplier_performance')) {
    const key = row.node_id === null ? String(row.supplier_id) : `${row.supplier_id}|${row.node_id}`;
    leadTimes.set(key, {
      n: num(row.pos_received),
      mean: numOrNull(row.lead_time_mean),
      std: numOrNull(row.lead_time_std),
    });
  }
  const lanes = (
    await warehouse.all('SELECT node_id, region, transit_days, cost_per_order, cost_per_unit FROM stg_lanes')
  ).map(
    (row) =>
      ({
        ...row,
        transit_days: num(row.transit_days),
        cost_per_order: num(row.cost_per_order),
        cost_per_unit: num(row.cost_per_unit),
      }) as Lane,
  );
  const inbound = new Map<string, Map<number, number>>();
  const today = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  for (const row of await warehouse.all<{ sku: string; node_id: string; due: Date | null; qty: unknown }>(
    replenishmentSql('plan_inbound'),
  )) {
    const offset = row.due ? Math.max(1, Math.round((new Date(row.due).getTime() - today) / DAY)) : 1;
    const key = `${row.sku}|${row.node_id}`;
    const days = inbound.get(key) ?? new Map<number, number>();
    days.set(offset, (days.get(offset) ?? 0) + num(row.qty));
    inbound.set(key, days);
  }
  const purchaseNodes = new Set(
    (
      await warehouse.all<{ node_id: string }>(
        `SELECT node_id FROM stg_nodes WHERE node_type IN ('dc', '3pl')
         UNION SELECT DISTINCT payload->>'node_id' FROM stg_event_log WHERE type = 'po_created'`,
      )
    ).map((row) => row.node_id),
  );
  progress('setting levels and choosing sources');
  const plan = buildPlan(
    {
      asOf,
      windowDays: config.baselineDays,
      positions,
      leadTimes,
      lanes,
      inbound,
      purchaseNodes,
      nodeDemand,
    },
    config,
  );
  const runId = `rp-${asOf.toISOString().slice(0, 10).replaceAll('-', '')}-${Date.now().toString(36)}`;
  const approvals = workflowApprovals(options.approvalPolicy);
  const waiting = await listRecommendations(warehouse, { status: 'proposed', limit: 100_000 });
  const ids = await saveRun(warehouse, runId, asOf, plan, config);
  // The proposals this run replaces: their open approval requests are withdrawn.
  for (const rec of waiting) await approvals.withdraw(warehouse, rec, `superseded by ${runId}`);
  let autoApproved = 0;
  if (config.approvalRequests !== 'none') {
    progress('requesting approvals');
    for (const id of ids) {
      const rec = (await getRecommendation(warehouse, id))!;
      if (config.approvalRequests === 'purchase_orders' && rec.kind !== 'purchase_order') continue;
      if ((await approvals.request(warehouse, rec, asOf.toISOString())).status === 'ordered') autoApproved++;
    }
  }
  return {
    runId,
    asOf,
    positions: plan.positions,
    demandSource: plan.demandSource,
    recommendations: ids.length,
    autoApproved,
    ids,
  };
}

/** Fixed query texts for read-only connections (the API's readers): parameters only. */
export const SUPPLIERS_SQL = `SELECT * FROM (${renderQuery('supplier_performance')}) q
  WHERE ($supplier_id IS NULL OR supplier_id = $supplier_id) AND ($by_node OR scope = 'supplier')
  ORDER BY supplier_id, node_id NULLS FIRST`;

/** The supplier_performance read model (optionally one supplier; `byNode` adds the supplier × node rows). */
export async function supplierPerformance(
  warehouse: Warehouse,
  filter: { supplier_id?: string | undefined; byNode?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  return warehouse.all(SUPPLIERS_SQL, {
    supplier_id: filter.supplier_id ?? null,
    by_node: filter.byNode ?? false,
  });
}

export const EXPOSURE_SQL = `SELECT * FROM (${renderWithModels('exposure')}) q WHERE (NOT $exposed_only OR exposed)
  ORDER BY exposed DESC, revenue_at_risk DESC, po_id, sku`;

export function exposureParams(
  asOf: Date,
  options: { days?: number; exposedOnly?: boolean },
): Record<string, string | number | boolean> {
  return { as_of: asOf.toISOString(), days: options.days ?? 28, exposed_only: options.exposedOnly ?? false };
}

/** Open PO lines that are late or slipped, with what they expose (docs/replenishment.md). */
export async function exposure(
  warehouse: Warehouse,
  options: { asOf?: Date | undefined; days?: number; exposedOnly?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const asOf = options.asOf ?? (await businessNow(warehouse));
  return warehouse.all(EXPOSURE_SQL, exposureParams(asOf, options));
}
