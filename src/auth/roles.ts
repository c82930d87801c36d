/**
 * Roles and what each may do: a domain rule, used by the API (each route's permission), the dashboards (which
 * pages a session sees) and the alerts (whom an alert concerns). A route names the one permission it needs; a
 * key carries one role. The table is the whole policy: nothing is implied.
 */
export const PERMISSIONS = [
  'events:write',
  /**
   * Raw price, PO, transfer and item-cost events pass without the approval policy's check (docs/workflow.md
   * "Raw events"): for systems of record that ran their own approvals (an ERP). Admin and erp only.
   */
  'events:bypass_approval',
  'inventory:read',
  'valuation:read',
  'exceptions:read',
  'exceptions:write',
  'kpis:read',
  'rejects:read',
  'sql:query',
  'keys:manage',
  'metrics:read',
  'docs:read',
  'recommendations:read',
  'recommendations:approve',
  'allocations:run',
  'forecasts:read',
  'orders:read',
  'approvals:read',
  'approvals:request',
  'approvals:decide',
  'returns:read',
  'returns:grade',
  'audit:read',
  'alerts:read',
  'subscriptions:manage',
  'jobs:read',
  /** Channel connections without credentials, outbound sync status and publications (docs/channels.md). */
  'channels:read',
  /** Push to a channel now, retry refused quantities, fix drift. */
  'channels:sync',
  /** Add, change, test and remove channel connections (they hold the channels' credentials). */
  'channels:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Roles people act in (alerts concern them; the CLI's --role names one). */
export const PEOPLE_ROLES = ['admin', 'executive', 'planner', 'warehouse', 'finance', 'analyst'] as const;

/** Every role a key can carry: people's, and the systems that send events (a shop, an ERP). */
export const ROLES = [...PEOPLE_ROLES, 'integration', 'erp'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  executive: [
    'inventory:read',
    'valuation:read',
    'exceptions:read',
    'kpis:read',
    'recommendations:read',
    'docs:read',
    'approvals:read',
    'audit:read',
    'forecasts:read',
    'alerts:read',
    'subscriptions:manage',
    'channels:read',
  ],
  planner: [
    'inventory:read',
    'exceptions:read',
    'exceptions:write',
    'kpis:read',
    'recommendations:read',
    'recommendations:approve',
    'forecasts:read',
    'allocations:run',
    'orders:read',
    'docs:read',
    'approvals:read',
    'approvals:request',
    'approvals:decide',
    'returns:read',
    'audit:read',
    'alerts:read',
    'subscriptions:manage',
    'channels:read',
    'channels:sync',
  ],
  warehouse: [
    'events:write',
    'inventory:read',
    'exceptions:read',
    'exceptions:write',
    'allocations:run',
    'orders:read',
    'docs:read',
    'returns:read',
    'returns:grade',
    'alerts:read',
    'subscriptions:manage',
    'channels:read',
  ],
  finance: [
    'inventory:read',
    'valuation:read',
    'exceptions:read',
    'exceptions:write',
    'kpis:read',
    'docs:read',
    'approvals:read',
    'approvals:decide',
    'returns:read',
    'audit:read',
    'alerts:read',
    'subscriptions:manage',
  ],
  analyst: [
    'inventory:read',
    'valuation:read',
    'exceptions:read',
    'kpis:read',
    'rejects:read',
    'sql:query',
    'recommendations:read',
    'forecasts:read',
    'docs:read',
    'alerts:read',
    'subscriptions:manage',
    'channels:read',
  ],
  integration: ['events:write', 'inventory:read', 'orders:read', 'rejects:read', 'metrics:read', 'docs:read'],
  // An integration whose prices, purchase orders and transfers were approved in the source system.
  erp: [
    'events:write',
    'events:bypass_approval',
    'inventory:read',
    'orders:read',
    'rejects:read',
    'metrics:read',
    'docs:read',
  ],
};

const GRANTS = new Map<Role, ReadonlySet<Permission>>(
  ROLES.map((role) => [role, new Set(ROLE_PERMISSIONS[role])]),
);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS.get(role)?.has(permission) ?? false;
}

/** Roles holding a permission (for the OpenAPI document and docs). */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => can(role, permission));
}
