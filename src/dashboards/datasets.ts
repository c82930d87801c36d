import type { Permission } from '../auth/roles.ts';
import { ModelRegistry } from '../ml/registry/registry.ts';
import { defaultExceptionPolicy, rulesFor } from '../workflow/exception-policy.ts';
/**
 * What the dashboards read: one dataset per file under the site's `data/` folder. A dataset is either a
 * query (`src/dashboards/queries/<query>.sql`) over read models it names in `needs`, or the raw rows of
 * the first existing table among `tables` (read models other issues are still building, whose columns the
 * pages only use when present). A dataset whose models are missing is exported empty with a note, so the
 * pages work today and fill in when the model lands.
 */
export interface DatasetSpec {
  name: string;
  /** The permission a dashboard session needs to download it (src/auth/roles.ts). */
  permission: Permission;
  /** What the rows are, for the "not computed yet" note. */
  title: string;
  /** Which part of the platform computes the models it needs (shown when they are missing). */
  producer: string;
  source:
    | {
        kind: 'query';
        query: string;
        needs: readonly string[];
        fallback?: { query: string; needs: readonly string[] };
      }
    | { kind: 'table'; tables: readonly string[]; limit: number }
    /**
     * Rows of retailos' own configuration or model cards (not of the warehouse), so a page applies the same
     * rules and states the same scores; null when there is nothing yet (exported as "not computed yet").
     */
    | { kind: 'config'; rows: () => Record<string, unknown>[] | null };
}

const SEVERITIES = ['high', 'medium', 'low'] as const;

/**
 * The exception policy (config/exceptions.json, the workflow's one source) as rows: owner and SLA per
 * exception type and severity; `exception_type` '*' is the default for types it does not name.
 */
export function exceptionPolicyRows(): Record<string, unknown>[] {
  const policy = defaultExceptionPolicy();
  return ['*', ...Object.keys(policy.types)].flatMap((type) =>
    SEVERITIES.map((severity) => {
      const rules = rulesFor(policy, type === '*' ? '' : type, severity);
      return { exception_type: type, severity, owner_role: rules.owner, sla_hours: rules.slaHours };
    }),
  );
}

const LEDGER = 'the ledger: retailos refresh';

/** A query dataset over the read models it names. */
function query(
  name: string,
  permission: Permission,
  title: string,
  needs: readonly string[],
  producer = LEDGER,
): DatasetSpec {
  return { name, permission, title, producer, source: { kind: 'query', query: name, needs } };
}

/**
 * How the demand models scored on the days held out when they were trained (`retailos forecast train`: the
 * model card's metrics.holdout, models/), one row per model card × forecaster scored — the accuracy to go by
 * until the forecasts meet live actuals. Null when no demand model was trained with a holdout.
 */
export function forecastHoldoutRows(registry = new ModelRegistry()): Record<string, unknown>[] | null {
  // every card of the registry (the demand model is its only name today): its name is in the rows
  const rows = registry.list().flatMap((card) => {
    const holdout = card.metrics?.holdout as
      | { origin: string; horizon: number; scores: Record<string, unknown>[] }
      | undefined;
    if (!holdout || !Array.isArray(holdout.scores)) return [];
    return holdout.scores.map((score) => ({
      model_id: card.id,
      model_name: card.name,
      status: card.status,
      created_at: card.createdAt,
      origin: holdout.origin,
      horizon_days: holdout.horizon,
      forecaster: score.model,
      mae: score.mae,
      rmsse: score.rmsse,
      wrmsse: score.wrmsse,
      relative_bias: score.relativeBias,
      coverage80: score.coverage80,
    }));
  });
  return rows.length ? rows : null;
}

export const DATASETS: readonly DatasetSpec[] = [
  query('meta', 'docs:read', 'data window', ['event_log', 'ledger_watermark', 'mart_clock'], 'ingestion'),
  query('nodes', 'docs:read', 'nodes', ['stg_nodes'], 'master data events'),
  query('channels', 'docs:read', 'channels', ['stg_channels'], 'master data events'),
  query('categories', 'docs:read', 'categories', ['stg_items'], 'master data events'),
  query('periods', 'docs:read', 'reporting periods', ['mart_periods']),
  query('kpi_definitions', 'docs:read', 'KPI definitions', ['mart_kpi_definitions']),
  query('kpi_operations', 'inventory:read', 'operations KPIs by day', ['mart_kpi_daily_operations']),
  query('kpi_finance', 'valuation:read', 'finance KPIs by day', ['mart_kpi_daily_finance']),
  query('kpi_demand', 'kpis:read', 'demand KPIs by day', ['mart_kpi_daily_demand']),
  query('kpi_close', 'valuation:read', 'days to close by day', ['mart_kpi_daily_close']),
  query('close_periods', 'valuation:read', 'periods still moving and what is pending', ['mart_close']),
  query('stock_daily', 'inventory:read', 'end-of-day stock by node and category', ['mart_stock_daily']),
  query('positions_by_node', 'inventory:read', 'current stock by node and category', [
    'inventory_positions',
    'stg_items',
    'stg_nodes',
    'ledger_sales',
    'mart_stock_exposure',
    'mart_clock',
  ]),
  query('channel_availability', 'inventory:read', 'availability by channel', [
    'channel_availability',
    'stg_items',
  ]),
  query('stock_watch', 'inventory:read', 'stockouts, overstock and aged stock by sku and node', [
    'inventory_positions',
    'stg_items',
    'stg_nodes',
    'ledger_sales',
    'mart_stock_exposure',
    'mart_clock',
  ]),
  query('aged_stock', 'valuation:read', 'aged and below-cost stock', ['mart_stock_exposure']),
  query('exceptions', 'exceptions:read', 'exceptions, open and cleared', [
    'exceptions',
    'stg_items',
    'stg_nodes',
  ]),
  {
    name: 'exception_policy',
    permission: 'exceptions:read',
    title: 'exception owners and SLAs',
    producer: 'the exception policy: config/exceptions.json',
    source: { kind: 'config', rows: exceptionPolicyRows },
  },
  query('shipments_by_node', 'inventory:read', 'shipments by node', ['ledger_sales']),
  query('pick_backlog', 'inventory:read', 'pick backlog against capacity and cutoff', [
    'mart_pick_backlog',
    'stg_nodes',
  ]),
  query('supplier_lead_times', 'inventory:read', 'supplier lead time by month', [
    'ledger_purchase_orders',
    'stg_suppliers',
  ]),
  {
    name: 'approvals',
    permission: 'exceptions:read',
    title: 'approval requests',
    producer: 'approvals: retailos replenish plan, retailos approvals',
    source: {
      kind: 'table',
      tables: ['approvals', 'approval_requests', 'workflow_approvals'],
      limit: 100_000,
    },
  },
  query('margin_daily', 'valuation:read', 'revenue, refunds, COGS and margin', ['mart_margin_daily']),
  query('margin_by_node', 'valuation:read', 'margin by node', ['mart_margin_by_node']),
  query('price_effects', 'valuation:read', 'sales below list price (markdowns and promotions)', [
    'mart_sales_below_list',
  ]),
  query('rollforward', 'valuation:read', 'inventory value roll-forward', ['mart_inventory_rollforward']),
  query(
    'recommendations',
    'recommendations:read',
    'replenishment recommendations to decide',
    ['replenishment_recommendations', 'stg_suppliers', 'stg_nodes', 'stg_items'],
    'replenishment: retailos replenish plan',
  ),
  query(
    'recommendation_status',
    'recommendations:read',
    'replenishment recommendations by status',
    ['replenishment_recommendations'],
    'replenishment: retailos replenish plan',
  ),
  {
    name: 'supplier_performance',
    permission: 'recommendations:read',
    title: 'supplier performance',
    producer: 'replenishment: retailos replenish plan',
    // one row per supplier and per supplier × node; it names the supplier (supplier_name)
    source: { kind: 'table', tables: ['supplier_performance'], limit: 2000 },
  },
  query('late_po_exposure', 'recommendations:read', 'exposure to late purchase orders', [
    'ledger_purchase_orders',
    'inventory_positions',
    'stg_items',
    'stg_suppliers',
    'stg_nodes',
    'ledger_sales',
    'mart_clock',
  ]),
  query(
    'forecast_vs_actual',
    'kpis:read',
    'forecast against actual sales',
    ['forecast_history', 'forecast_runs', 'stg_items', 'ledger_sales'],
    'forecasting: retailos forecast predict',
  ),
  query(
    'demand_signals',
    'kpis:read',
    'demand-sensing flags',
    ['demand_signals', 'stg_items', 'stg_nodes', 'stg_channels'],
    'forecasting: retailos forecast predict',
  ),
  {
    name: 'forecast_holdout',
    permission: 'kpis:read',
    title: 'forecast accuracy on held-out days',
    producer: 'forecasting: retailos forecast train',
    source: { kind: 'config', rows: () => forecastHoldoutRows() },
  },
  query('sales_daily', 'kpis:read', 'units sold by day', ['ledger_sales']),
  query('anomalies', 'kpis:read', 'anomalies', ['anomalies'], 'anomaly detection: retailos alerts detect'),
  {
    name: 'alerts',
    permission: 'kpis:read',
    title: 'alerts',
    producer: 'alerts: retailos alerts run',
    source: { kind: 'table', tables: ['alerts', 'alert_log'], limit: 5000 },
  },
];

export function datasetNamed(name: string): DatasetSpec | undefined {
  return DATASETS.find((dataset) => dataset.name === name);
}
