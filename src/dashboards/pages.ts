import { can, type Permission, type Role } from '../auth/roles.ts';
import { DATASETS, datasetNamed } from './datasets.ts';

/**
 * The site's pages and the datasets each one loads (the `FileAttachment("data/…")` calls of
 * `dashboards/src/<page>.md`; a test keeps the two in step). A role may open a page when it holds the
 * permission of every dataset the page loads, so a page never half-loads with some data refused.
 */
export interface PageSpec {
  /** The page file without extension (`index` is the site root). */
  page: string;
  title: string;
  datasets: readonly string[];
}

const DIMENSIONS = ['meta', 'periods', 'kpi_definitions', 'channels', 'nodes', 'categories'] as const;

export const PAGES: readonly PageSpec[] = [
  {
    page: 'index',
    title: 'Executive overview',
    datasets: [...DIMENSIONS, 'kpi_operations', 'kpi_finance', 'kpi_demand', 'margin_daily', 'aged_stock'],
  },
  {
    page: 'inventory',
    title: 'Inventory health',
    datasets: [
      ...DIMENSIONS,
      'kpi_operations',
      'positions_by_node',
      'channel_availability',
      'stock_daily',
      'stock_watch',
    ],
  },
  {
    page: 'exceptions',
    title: 'Exceptions',
    datasets: ['meta', 'periods', 'nodes', 'exceptions', 'exception_policy'],
  },
  {
    page: 'replenishment',
    title: 'Replenishment',
    datasets: [
      'meta',
      'periods',
      'nodes',
      'categories',
      'recommendations',
      'recommendation_status',
      'supplier_performance',
      'late_po_exposure',
      'supplier_lead_times',
    ],
  },
  {
    page: 'orders',
    title: 'Orders and fulfilment',
    datasets: [
      'meta',
      'periods',
      'kpi_definitions',
      'channels',
      'nodes',
      'kpi_operations',
      'shipments_by_node',
      'pick_backlog',
    ],
  },
  {
    page: 'margin',
    title: 'Margin',
    datasets: [
      ...DIMENSIONS,
      'kpi_finance',
      'margin_daily',
      'margin_by_node',
      'price_effects',
      'rollforward',
      'aged_stock',
      'kpi_close',
      'close_periods',
    ],
  },
  {
    page: 'operations',
    title: 'Operations flow',
    datasets: [
      'meta',
      'periods',
      'kpi_definitions',
      'channels',
      'nodes',
      'kpi_operations',
      'approvals',
      'supplier_lead_times',
    ],
  },
  {
    page: 'demand',
    title: 'Demand and anomalies',
    datasets: [
      ...DIMENSIONS,
      'kpi_demand',
      'forecast_vs_actual',
      'forecast_holdout',
      'demand_signals',
      'sales_daily',
      'anomalies',
      'alerts',
    ],
  },
];

/** Every permission a page needs (those of its datasets). */
export function pagePermissions(page: PageSpec): Permission[] {
  const needed = new Set<Permission>();
  for (const name of page.datasets) {
    const dataset = datasetNamed(name);
    if (!dataset) throw new Error(`Page ${page.page} loads unknown dataset ${name}`);
    needed.add(dataset.permission);
  }
  return [...needed].sort();
}

export function canSeePage(role: Role, page: PageSpec): boolean {
  return pagePermissions(page).every((permission) => can(role, permission));
}

/**
 * Where a role lands: the first page of the site's order (PAGES, the sidebar's) it may open. A role that may
 * not open the Executive overview is sent here from the site root instead of being refused.
 */
export function landingPage(role: Role): PageSpec | undefined {
  return PAGES.find((page) => canSeePage(role, page));
}

export function pageNamed(name: string): PageSpec | undefined {
  return PAGES.find((page) => page.page === name);
}

export { DATASETS };
