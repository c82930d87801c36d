import { receiptEvent } from '../unit/api/server-fixture.ts';

/**
 * One sample request per API operation (`method path` as the server registers it): the authz tests send
 * each with every role (test/integration/api.test.ts for all routes, workflow-api.test.ts for its own). A
 * new route fails the "sample for every operation" test until its sample is added here.
 */
export const ROUTE_SAMPLES: Record<string, { route: string; body?: unknown }> = {
  'post /api/v1/events': { route: '/api/v1/events', body: [receiptEvent('authz-1')] },
  'get /api/v1/rejects': { route: '/api/v1/rejects' },
  'get /api/v1/positions': { route: '/api/v1/positions' },
  'get /api/v1/availability': { route: '/api/v1/availability?sku=SKU-1' },
  'get /api/v1/atp': { route: '/api/v1/atp?sku=SKU-1' },
  'get /api/v1/exceptions': { route: '/api/v1/exceptions' },
  'get /api/v1/kpis': { route: '/api/v1/kpis' },
  'post /api/v1/allocations/run': { route: '/api/v1/allocations/run', body: { dry_run: true } },
  'get /api/v1/orders/:order_id/allocation': { route: '/api/v1/orders/NO-SUCH-ORDER/allocation' },
  'get /api/v1/forecasts': { route: '/api/v1/forecasts' },
  'get /api/v1/forecasts/sensing': { route: '/api/v1/forecasts/sensing' },
  'post /api/v1/sql': { route: '/api/v1/sql', body: { sql: 'SELECT 1 AS one' } },
  'get /api/v1/sql/relations': { route: '/api/v1/sql/relations' },
  'get /api/v1/keys': { route: '/api/v1/keys' },
  'post /api/v1/keys': { route: '/api/v1/keys', body: { role: 'analyst', name: 'made in the authz test' } },
  'delete /api/v1/keys/:key_id': { route: '/api/v1/keys/000000000000' },
  'get /api/v1/exceptions/queue': { route: '/api/v1/exceptions/queue' },
  'post /api/v1/exceptions/sync': { route: '/api/v1/exceptions/sync', body: { now: '2025-03-10T05:00:00Z' } },
  'post /api/v1/exceptions/:exception_id/acknowledge': {
    route: '/api/v1/exceptions/NOPE/acknowledge',
    body: {},
  },
  'post /api/v1/exceptions/:exception_id/resolve': {
    route: '/api/v1/exceptions/NOPE/resolve',
    body: { resolution_code: 'fixed' },
  },
  'post /api/v1/exceptions/:exception_id/assign': {
    route: '/api/v1/exceptions/NOPE/assign',
    body: { assignee: 'x' },
  },
  'post /api/v1/exceptions/:exception_id/reopen': { route: '/api/v1/exceptions/NOPE/reopen', body: {} },
  'get /api/v1/approvals': { route: '/api/v1/approvals' },
  'get /api/v1/approvals/:request_id': { route: '/api/v1/approvals/NOPE' },
  'post /api/v1/approvals': {
    route: '/api/v1/approvals',
    body: { kind: 'high_risk_order', action: { type: 'order_release', order: { order_id: 'NOPE' } } },
  },
  'post /api/v1/approvals/:request_id/approve': {
    route: '/api/v1/approvals/NOPE/approve',
    body: { reason: 'x' },
  },
  'post /api/v1/approvals/:request_id/reject': {
    route: '/api/v1/approvals/NOPE/reject',
    body: { reason: 'x' },
  },
  'post /api/v1/approvals/:request_id/cancel': {
    route: '/api/v1/approvals/NOPE/cancel',
    body: { reason: 'x' },
  },
  'post /api/v1/approvals/screen-orders': { route: '/api/v1/approvals/screen-orders', body: {} },
  'get /api/v1/returns': { route: '/api/v1/returns' },
  'post /api/v1/returns/:return_id/grade': {
    route: '/api/v1/returns/NOPE/grade',
    body: { condition: 'new' },
  },
  'post /api/v1/returns/refurbished': {
    route: '/api/v1/returns/refurbished',
    body: { node_id: 'DC', sku: 'NOPE', qty: 1 },
  },
  'get /api/v1/returns/reasons': { route: '/api/v1/returns/reasons' },
  'get /api/v1/returns/recovery': { route: '/api/v1/returns/recovery' },
  'get /api/v1/returns/refunds': { route: '/api/v1/returns/refunds' },
  'get /api/v1/audit/:kind/:id': { route: '/api/v1/audit/order/O1' },
  'get /api/v1/alerts': { route: '/api/v1/alerts' },
  'get /api/v1/jobs/runs': { route: '/api/v1/jobs/runs' },
  'get /api/v1/subscriptions': { route: '/api/v1/subscriptions' },
  'post /api/v1/subscriptions': {
    route: '/api/v1/subscriptions',
    body: { name: 'authz', channel: 'email', email: { to: ['a@b.test'] } },
  },
  'delete /api/v1/subscriptions/:subscription_id': { route: '/api/v1/subscriptions/sub-none' },
  'get /api/v1/recommendations': { route: '/api/v1/recommendations' },
  'get /api/v1/recommendations/:recommendation_id': { route: '/api/v1/recommendations/NOPE' },
  'post /api/v1/recommendations/plan': { route: '/api/v1/recommendations/plan', body: {} },
  'post /api/v1/recommendations/:recommendation_id/approve': {
    route: '/api/v1/recommendations/NOPE/approve',
    body: { reason: 'x' },
  },
  'post /api/v1/recommendations/:recommendation_id/reject': {
    route: '/api/v1/recommendations/NOPE/reject',
    body: { reason: 'x' },
  },
  'get /api/v1/suppliers': { route: '/api/v1/suppliers' },
  'get /api/v1/exposure': { route: '/api/v1/exposure' },
  'get /api/v1/channels': { route: '/api/v1/channels' },
  'post /api/v1/channels': {
    route: '/api/v1/channels',
    body: {
      channel_id: 'AUTHZ-HOOK',
      platform: 'webhook',
      settings: { url: 'http://127.0.0.1:9/authz', drift_check_minutes: 0 },
      secrets: { signing_secret: 'authz-signing-secret-000' },
    },
  },
  'delete /api/v1/channels/:channel_id': { route: '/api/v1/channels/NOPE' },
  'get /api/v1/channels/status': { route: '/api/v1/channels/status' },
  'get /api/v1/channels/publications': { route: '/api/v1/channels/publications' },
  'post /api/v1/channels/:channel_id/test': { route: '/api/v1/channels/NOPE/test', body: {} },
  'post /api/v1/channels/:channel_id/sync': { route: '/api/v1/channels/NOPE/sync', body: {} },
  'get /api/v1/openapi.json': { route: '/api/v1/openapi.json' },
  'get /api/v1/docs': { route: '/api/v1/docs' },
};
