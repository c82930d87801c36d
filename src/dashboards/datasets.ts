import type { Permission } from '../api/roles.ts';

/**
 * What the dashboards read: one dataset per file under the site's `data/` folder. A dataset is either a
 * query (`src/dashboards/queries/<query>.sql`) over read models it names in `needs`, or the raw rows of
 * the first existing table among `tables` (read models other issues are still building, whose columns the
 * pages only use when present). A dataset whose models are missing is exported empty with a note, so the
 * pages work today and fill in when the model lands.
 */
export interface DatasetSpec {
  name: string;
  /** The permission a dashboard session needs to download it (src/api/roles.ts). */
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
    | { kind: 'table'; tables: readonly string[]; limit: number };
}

const LEDGER = 'the ledger: retailos refresh';
/** What the `{{order_facts}}` fragment reads. */
const ORDER_FACTS = ['ledger_order_lines', 'ledger_order_events', 'stg_nodes', 'stg_lanes'] as const;

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'meta',
    permission: 'docs:read',
    title: 'data window',
    producer: 'ingestion',
    source: { kind: 'query', query: 'meta', needs: ['event_log', 'ledger_watermark'] },
  },
  {
    name: 'nodes',
    permission: 'docs:read',
    title: 'nodes',
    producer: 'master data events',
    source: { kind: 'query', query: 'nodes', needs: ['stg_nodes'] },
  },
  {
    name: 'channels',
    permission: 'docs:read',
    title: 'channels',
    producer: 'master data events',
    source: { kind: 'query', query: 'channels', needs: ['stg_channels'] },
  },
  {
    name: 'categories',
    permission: 'docs:read',
    title: 'categories',
    producer: 'master data events',
    source: { kind: 'query', query: 'categories', needs: ['stg_items'] },
  },
  {
    name: 'kpi_daily',
    permission: 'kpis:read',
    title: 'daily KPI numerators and denominators',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'kpi_daily',
      needs: ['ledger_stock', 'ledger_keys', 'stg_items', 'ledger_config', ...ORDER_FACTS, 'event_log'],
    },
  },
  {
    name: 'stock_daily',
    permission: 'inventory:read',
    title: 'end-of-day stock and stockouts by node and category',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'stock_daily',
      needs: ['ledger_stock', 'ledger_keys', 'stg_items', 'ledger_sales'],
    },
  },
  {
    name: 'inventory_value_daily',
    permission: 'valuation:read',
    title: 'inventory value by day and node',
    producer: LEDGER,
    source: { kind: 'query', query: 'inventory_value_daily', needs: ['mart_inventory_rollforward'] },
  },
  {
    name: 'positions_by_node',
    permission: 'inventory:read',
    title: 'current stock by node and category',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'positions_by_node',
      needs: ['inventory_positions', 'stg_items', 'ledger_sales', 'mart_stock_exposure'],
    },
  },
  {
    name: 'channel_availability',
    permission: 'inventory:read',
    title: 'availability by channel',
    producer: LEDGER,
    source: { kind: 'query', query: 'channel_availability', needs: ['channel_availability', 'stg_items'] },
  },
  {
    name: 'stock_watch',
    permission: 'inventory:read',
    title: 'stockouts, overstock and aged stock by sku and node',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'stock_watch',
      needs: ['inventory_positions', 'stg_items', 'ledger_sales', 'mart_stock_exposure'],
    },
  },
  {
    name: 'aged_stock',
    permission: 'valuation:read',
    title: 'aged and below-cost stock',
    producer: LEDGER,
    source: { kind: 'query', query: 'aged_stock', needs: ['mart_stock_exposure'] },
  },
  {
    name: 'count_accuracy',
    permission: 'inventory:read',
    title: 'cycle counts against the ledger',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'count_accuracy',
      needs: ['ledger_stock', 'ledger_keys', 'ledger_config'],
    },
  },
  {
    name: 'exceptions',
    permission: 'exceptions:read',
    title: 'exceptions',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'exceptions',
      needs: ['exceptions', 'allocation_exceptions'],
      fallback: { query: 'exceptions_ledger', needs: ['exceptions'] },
    },
  },
  {
    name: 'exception_queue',
    permission: 'exceptions:read',
    title: 'the exception workflow queue (owners, SLA, priority)',
    producer: 'the exception queue: retailos exceptions sync',
    // `exceptions` carries the workflow's state (owner_role, sla_hours, status).
    source: { kind: 'table', tables: ['exception_queue', 'workflow_exceptions', 'exceptions'], limit: 5000 },
  },
  {
    name: 'orders_daily',
    permission: 'inventory:read',
    title: 'orders by day and channel',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'orders_daily',
      needs: [...ORDER_FACTS, 'ledger_sales', 'event_log'],
    },
  },
  {
    name: 'shipments_by_node',
    permission: 'inventory:read',
    title: 'shipments by node',
    producer: LEDGER,
    source: { kind: 'query', query: 'shipments_by_node', needs: ['ledger_sales'] },
  },
  {
    name: 'pick_backlog',
    permission: 'inventory:read',
    title: 'pick backlog against capacity and cutoff',
    producer: LEDGER,
    source: { kind: 'query', query: 'pick_backlog', needs: ['mart_pick_backlog', 'stg_nodes'] },
  },
  {
    name: 'backlog_daily',
    permission: 'inventory:read',
    title: 'pick backlog by day and node',
    producer: 'ingestion',
    source: { kind: 'query', query: 'backlog_daily', needs: ['event_log', 'stg_nodes'] },
  },
  {
    name: 'order_queues',
    permission: 'inventory:read',
    title: 'orders waiting by stage',
    producer: LEDGER,
    source: { kind: 'query', query: 'order_queues', needs: [...ORDER_FACTS] },
  },
  {
    name: 'allocation_latency',
    permission: 'inventory:read',
    title: 'time to allocate, pick and ship',
    producer: LEDGER,
    source: { kind: 'query', query: 'allocation_latency', needs: [...ORDER_FACTS] },
  },
  {
    name: 'inbound_daily',
    permission: 'inventory:read',
    title: 'inbound due against received',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'inbound_daily',
      needs: ['ledger_purchase_orders', 'ledger_transfers', 'ledger_stock', 'ledger_keys'],
    },
  },
  {
    name: 'supplier_lead_times',
    permission: 'inventory:read',
    title: 'supplier lead time by month',
    producer: LEDGER,
    source: { kind: 'query', query: 'supplier_lead_times', needs: ['ledger_purchase_orders'] },
  },
  {
    name: 'approvals',
    permission: 'exceptions:read',
    title: 'approval requests',
    producer: 'approvals: retailos replenish plan, retailos approvals',
    source: { kind: 'table', tables: ['approvals', 'approval_requests', 'workflow_approvals'], limit: 5000 },
  },
  {
    name: 'margin_daily',
    permission: 'valuation:read',
    title: 'revenue, refunds, COGS and margin',
    producer: LEDGER,
    source: { kind: 'query', query: 'margin_daily', needs: ['mart_margin_daily'] },
  },
  {
    name: 'margin_by_node',
    permission: 'valuation:read',
    title: 'margin by node',
    producer: LEDGER,
    source: { kind: 'query', query: 'margin_by_node', needs: ['mart_margin_by_node'] },
  },
  {
    name: 'price_effects',
    permission: 'valuation:read',
    title: 'sales below list price (markdowns and promotions)',
    producer: LEDGER,
    source: { kind: 'query', query: 'price_effects', needs: ['mart_sales_below_list'] },
  },
  {
    name: 'rollforward',
    permission: 'valuation:read',
    title: 'inventory value roll-forward',
    producer: LEDGER,
    source: { kind: 'query', query: 'rollforward', needs: ['mart_inventory_rollforward'] },
  },
  {
    name: 'recommendations',
    permission: 'recommendations:read',
    title: 'replenishment recommendations',
    producer: 'replenishment: retailos replenish plan',
    source: { kind: 'table', tables: ['recommendations', 'replenishment_recommendations'], limit: 2000 },
  },
  {
    name: 'supplier_performance',
    permission: 'recommendations:read',
    title: 'supplier performance',
    producer: 'replenishment: retailos replenish plan',
    source: { kind: 'table', tables: ['supplier_performance'], limit: 2000 },
  },
  {
    name: 'late_po_exposure',
    permission: 'recommendations:read',
    title: 'exposure to late purchase orders',
    producer: LEDGER,
    source: {
      kind: 'query',
      query: 'late_po_exposure',
      needs: ['ledger_purchase_orders', 'inventory_positions', 'stg_items', 'ledger_sales', 'event_log'],
    },
  },
  {
    name: 'forecast_vs_actual',
    permission: 'kpis:read',
    title: 'forecast against actual sales',
    producer: 'forecasting: retailos forecast predict',
    source: {
      kind: 'query',
      query: 'forecast_vs_actual',
      needs: ['forecast_history', 'forecast_runs', 'stg_items', 'ledger_sales'],
    },
  },
  {
    name: 'demand_signals',
    permission: 'kpis:read',
    title: 'demand-sensing flags',
    producer: 'forecasting: retailos forecast predict',
    source: { kind: 'query', query: 'demand_signals', needs: ['demand_signals'] },
  },
  {
    name: 'sales_daily',
    permission: 'kpis:read',
    title: 'units sold by day',
    producer: LEDGER,
    source: { kind: 'query', query: 'sales_daily', needs: ['ledger_sales'] },
  },
  {
    name: 'anomalies',
    permission: 'kpis:read',
    title: 'anomalies',
    producer: 'anomaly detection: retailos alerts detect',
    source: { kind: 'table', tables: ['anomalies', 'anomaly_scores', 'anomaly_events'], limit: 5000 },
  },
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
