import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../../src/auth/roles.ts';
import { ROLES, type Role, rolesWith } from '../../src/auth/roles.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type CallOptions,
  call,
  createFixture,
  dropRelation,
  type Fixture,
  type Json,
  receiptEvent,
} from '../unit/api/server-fixture.ts';
import { ROUTE_SAMPLES } from './route-samples.ts';

const READ_MODELS = [
  'inventory_positions',
  'channel_availability',
  'available_to_promise',
  'exceptions',
  'mart_kpis',
];

/** Test-only stand-ins for the ledger's read models, with the contract's documented columns. */
async function readModelFixtures(warehouse: Warehouse): Promise<void> {
  for (const name of READ_MODELS) await dropRelation(warehouse, name);
  await warehouse.run(`
    CREATE TABLE inventory_positions AS SELECT * FROM (VALUES
      ('SKU-1', 'DC-1', 10, 2, 8, 1, 0, 0, 0, 11, 5, 20, 27.50::DECIMAL(18,2), 2.5::DOUBLE),
      ('SKU-1', 'ST-1', 3, 4, -1, 0, 0, 0, 1, 4, 0, 0, 10.00::DECIMAL(18,2), 2.5::DOUBLE),
      ('SKU-2', 'DC-1', 7, 0, 7, 0, 0, 0, 0, 7, 0, 0, 70.00::DECIMAL(18,2), 10.0::DOUBLE))
    t(sku, node_id, sellable, reserved, available, damaged, quarantine, repair, returns_pending, on_hand,
      in_transit_in, on_order, inventory_value, avg_unit_cost);
    CREATE TABLE channel_availability AS SELECT * FROM (VALUES
      ('WEB', 'SKU-1', 6), ('AMZ', 'SKU-1', 4), ('WEB', 'SKU-2', 7)) t(channel_id, sku, available);
    CREATE TABLE available_to_promise AS SELECT * FROM (VALUES
      ('SKU-1', 'DC-1', DATE '2025-03-01', 8, 0, 8), ('SKU-1', 'DC-1', DATE '2025-03-02', 8, 5, 13),
      ('SKU-1', 'ST-1', DATE '2025-03-01', -1, 0, -1), ('SKU-2', 'DC-1', DATE '2025-03-01', 7, 0, 7))
    t(sku, node_id, day, available_now, inbound_qty, atp);
    CREATE TABLE exceptions AS SELECT * FROM (VALUES
      ('X-1', 'oversell', 'high', 'SKU-1', 'ST-1', NULL, NULL, TIMESTAMPTZ '2025-03-01 09:00:00+00', 'open', '{"units": 1}', NULL, NULL),
      ('X-2', 'po_late', 'medium', NULL, 'DC-1', NULL, 'PO-9', TIMESTAMPTZ '2025-03-02 09:00:00+00', 'resolved', '{}', TIMESTAMPTZ '2025-03-02 15:30:00+00', 6.5))
    t(exception_id, exception_type, severity, sku, node_id, order_id, po_id, opened_at, status, detail, cleared_at, duration_hours);
    CREATE TABLE mart_kpis AS SELECT * FROM (VALUES
      ('fill_rate', 'trailing', DATE '2025-02-01', DATE '2025-03-01', true, 'all', NULL, 97.0, '%', 97.0, 100.0, TIMESTAMPTZ '2025-02-01 00:00:00+00', TIMESTAMPTZ '2025-03-01 00:00:00+00'),
      ('fill_rate', 'trailing', DATE '2025-02-01', DATE '2025-03-01', true, 'node', 'DC-1', 95.0, '%', 19.0, 20.0, TIMESTAMPTZ '2025-02-01 00:00:00+00', TIMESTAMPTZ '2025-03-01 00:00:00+00'),
      ('fill_rate', 'week', DATE '2025-02-24', DATE '2025-03-03', false, 'all', NULL, 90.0, '%', 9.0, 10.0, TIMESTAMPTZ '2025-02-24 00:00:00+00', TIMESTAMPTZ '2025-03-03 00:00:00+00'),
      ('stockout_rate', 'trailing', DATE '2025-02-01', DATE '2025-03-01', true, 'all', NULL, 2.0, '%', 1.0, 50.0, TIMESTAMPTZ '2025-02-01 00:00:00+00', TIMESTAMPTZ '2025-03-01 00:00:00+00'))
    t(kpi, period_grain, period_start, period_end, complete, scope, scope_id, value, unit, numerator, denominator, window_start, window_end);`);
}

let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture({ prepare: readModelFixtures, server: { limits: { maxEventsPerRequest: 50 } } });
});
afterAll(async () => {
  await fx?.dispose();
});

const get = (route: string, role?: Role, options: CallOptions = {}) =>
  call(fx.url, 'GET', route, { key: role ? fx.keys[role] : undefined, ...options });
const post = (route: string, role: Role | undefined, body: unknown, options: CallOptions = {}) =>
  call(fx.url, 'POST', route, { key: role ? fx.keys[role] : undefined, body, ...options });

function expectProblem(
  reply: { status: number; headers: Headers; json: Json },
  status: number,
  code: string,
) {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.json).toMatchObject({ status, code, type: `/api/v1/problems/${code}` });
  expect(typeof reply.json.detail).toBe('string');
  expect(typeof reply.json.request_id).toBe('string');
}

/** A request that the right role gets answered (not 401/403) for every operation. */

describe('authentication and roles', () => {
  it('has a sample request for every operation the server registers', () => {
    const registered = fx.server.routes.map((route) => `${route.method} ${route.path}`).sort();
    expect(registered).toEqual(Object.keys(ROUTE_SAMPLES).sort());
  });

  it('every operation: 401 without a key or with a bad one, 403 for roles without the permission, served for the rest', async () => {
    const invalid = `rk_000000000000_${'A'.repeat(43)}`;
    for (const route of fx.server.routes) {
      const sample = ROUTE_SAMPLES[`${route.method} ${route.path}`]!;
      const method = route.method.toUpperCase();
      const send = (key?: string) => call(fx.url, method, sample.route, { key, body: sample.body });
      expectProblem(await send(), 401, 'unauthorized');
      expectProblem(await send(invalid), 401, 'unauthorized');
      expectProblem(await send('not-a-key'), 401, 'unauthorized');
      const allowed = rolesWith(route.permission as Permission);
      expect(allowed.length, route.path).toBeGreaterThan(0);
      for (const role of ROLES) {
        const reply = await send(fx.keys[role]);
        if (allowed.includes(role)) {
          expect([401, 403], `${method} ${sample.route} as ${role}: ${reply.text}`).not.toContain(
            reply.status,
          );
          // Served: a result, or a read model this stand-in warehouse lacks — never a crash.
          if (reply.status === 503) expect(reply.json.code).toBe('read_model_unavailable');
          else expect(reply.status, `${method} ${sample.route} as ${role}: ${reply.text}`).toBeLessThan(500);
        } else {
          expectProblem(reply, 403, 'forbidden');
          expect(reply.json.detail).toContain(route.permission);
        }
      }
    }
  });

  it('/metrics needs a key with metrics:read; /health is the only open endpoint', async () => {
    expectProblem(await get('/metrics'), 401, 'unauthorized');
    expectProblem(await get('/metrics', 'planner'), 403, 'forbidden');
    const metrics = await get('/metrics', 'admin');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^# TYPE retailos_http_requests_total counter$/m);
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'ok',
      problems: [],
      ingest: { status: 'ok' },
      clock: { mode: 'watermark' },
    });
    expectProblem(await get('/api/v1/nothing-here'), 401, 'unauthorized');
    expectProblem(await get('/api/v1/nothing-here', 'admin'), 404, 'not_found');
  });

  it('accepts the key as X-API-Key too, and echoes or assigns a request id', async () => {
    const reply = await get('/api/v1/positions', undefined, {
      headers: { 'x-api-key': fx.keys.planner, 'x-request-id': 'trace-42' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-request-id')).toBe('trace-42');
    const generated = await get('/api/v1/positions', 'planner', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keys created through the API work at once, and stop working when revoked', async () => {
    const created = await post('/api/v1/keys', 'admin', { role: 'finance', name: 'controller' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ role: 'finance', name: 'controller', revoked_at: null });
    const key = created.json.key as string;
    expect(key).toMatch(/^rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await call(fx.url, 'GET', '/api/v1/kpis', { key })).status).toBe(200);
    const listed = await get('/api/v1/keys', 'admin');
    const entry = listed.json.data.find((row: { key_id: string }) => row.key_id === created.json.key_id);
    expect(entry).toMatchObject({ name: 'controller', role: 'finance' });
    expect(JSON.stringify(listed.json)).not.toContain(key.slice(-43));
    expect(JSON.stringify(listed.json)).not.toContain('key_hash');
    const revoked = await call(fx.url, 'DELETE', `/api/v1/keys/${created.json.key_id}`, {
      key: fx.keys.admin,
    });
    expect(revoked.json).toEqual({ key_id: created.json.key_id, revoked: true });
    expectProblem(await call(fx.url, 'GET', '/api/v1/kpis', { key }), 401, 'unauthorized');
    expectProblem(
      await call(fx.url, 'DELETE', `/api/v1/keys/${created.json.key_id}`, { key: fx.keys.admin }),
      404,
      'not_found',
    );
  });
});

describe('POST /api/v1/events', () => {
  it('lands one event sent as a single object', async () => {
    const reply = await post('/api/v1/events', 'integration', receiptEvent('single-1'));
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
    expect(reply.json.results).toEqual([
      { index: 0, event_id: 'single-1', status: 'accepted', seq: expect.any(Number) },
    ]);
    expect(reply.json.request_id).toBe(reply.headers.get('x-request-id'));
  });

  it('answers per event: accepted, duplicate, rejected with field paths; rejects are stored with the request id', async () => {
    await post('/api/v1/events', 'warehouse', [receiptEvent('mix-landed')]);
    const body = [
      receiptEvent('mix-new'),
      receiptEvent('mix-landed'),
      receiptEvent('mix-new'),
      { ...receiptEvent('mix-bad'), qty: -3, sku: 7 },
      'not an event',
      receiptEvent('mix-landed', { qty: 99 }),
      { ...receiptEvent('mix-typo'), type: 'reciept' },
    ];
    const reply = await post('/api/v1/events', 'integration', body, {
      headers: { 'x-request-id': 'req-mix-1' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ request_id: 'req-mix-1', accepted: 1, duplicates: 2, rejected: 4 });
    const results = reply.json.results as Json[];
    expect(results.map((result) => result.status)).toEqual([
      'accepted',
      'duplicate',
      'duplicate',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results[3]).toMatchObject({ event_id: 'mix-bad', reason: 'invalid' });
    expect(results[3].errors.map((error: { path: string }) => error.path).sort()).toEqual(['qty', 'sku']);
    expect(results[4]).toMatchObject({
      event_id: null,
      reason: 'invalid',
      errors: [{ path: '', code: 'invalid_type' }],
    });
    expect(results[5]).toMatchObject({
      event_id: 'mix-landed',
      reason: 'conflict',
      errors: [{ path: 'event_id' }],
    });
    expect(results[6].errors[0]).toMatchObject({ path: 'type', code: 'unknown_type' });
    expect(results[6].errors[0].message).toContain('did you mean "receipt"');

    const rejects = await get('/api/v1/rejects?source_kind=http&limit=100', 'integration');
    const mine = (rejects.json.data as Json[]).filter((row) => row.source_file === 'req-mix-1');
    expect(mine.map((row) => [row.source_line, row.reason, row.event_id])).toEqual([
      [4, 'invalid', 'mix-bad'],
      [5, 'invalid', null],
      [7, 'invalid', 'mix-typo'],
      [6, 'conflict', 'mix-landed'],
    ]);
    expect(mine[1].raw).toBe('"not an event"');
    expect(mine[0].errors.length).toBe(2);

    const landed = await post('/api/v1/sql', 'analyst', {
      sql: "SELECT event_id, source_file, source_line FROM events WHERE event_id LIKE 'mix-%' ORDER BY seq",
    });
    expect(landed.json.rows).toEqual([
      { event_id: 'mix-landed', source_file: expect.any(String), source_line: 1 },
      { event_id: 'mix-new', source_file: 'req-mix-1', source_line: 1 },
    ]);
  });

  it('refuses malformed JSON, wrong content types, oversized batches and bodies that are not events', async () => {
    expectProblem(
      await post('/api/v1/events', 'integration', undefined, { raw: '[{"event_id": ' }),
      400,
      'malformed_json',
    );
    expectProblem(
      await post('/api/v1/events', 'integration', undefined, {
        raw: 'event_id=1',
        contentType: 'text/plain',
      }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await post('/api/v1/events', 'integration', undefined, {
        raw: JSON.stringify([receiptEvent('ct')]),
        contentType: null,
      }),
      415,
      'unsupported_media_type',
    );
    const tooMany = Array.from({ length: 51 }, (_, index) => receiptEvent(`too-many-${index}`));
    const big = await post('/api/v1/events', 'integration', tooMany);
    expectProblem(big, 413, 'batch_too_large');
    for (const body of [42, 'text', null, []]) {
      const reply = await post('/api/v1/events', 'integration', body);
      expectProblem(reply, 400, 'validation_failed');
      expect(reply.json.errors[0].path).toMatch(/^body/);
    }
    const count = await post('/api/v1/sql', 'analyst', {
      sql: "SELECT count(*) AS n FROM events WHERE event_id LIKE 'too-many-%' OR event_id = 'ct'",
    });
    expect(count.json.rows).toEqual([{ n: 0 }]);
  });

  it('refuses bodies over the byte limit with 413', async () => {
    const small = await createFixture({ server: { limits: { maxBodyBytes: 2048 } } });
    try {
      const events = Array.from({ length: 40 }, (_, index) => receiptEvent(`huge-${index}`));
      const reply = await call(small.url, 'POST', '/api/v1/events', {
        key: small.keys.integration,
        body: events,
      });
      expectProblem(reply, 413, 'body_too_large');
      const fits = await call(small.url, 'POST', '/api/v1/events', {
        key: small.keys.integration,
        body: events[0],
      });
      expect(fits.json.accepted).toBe(1);
    } finally {
      await small.dispose();
    }
  });
});

describe('read routes', () => {
  it('positions: filters, pages, and shows valuation only to roles with valuation:read', async () => {
    const all = await get('/api/v1/positions', 'finance');
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ limit: 100, offset: 0 });
    expect(all.json.data.map((row: Json) => [row.sku, row.node_id])).toEqual([
      ['SKU-1', 'DC-1'],
      ['SKU-1', 'ST-1'],
      ['SKU-2', 'DC-1'],
    ]);
    expect(all.json.data[0]).toEqual({
      sku: 'SKU-1',
      node_id: 'DC-1',
      sellable: 10,
      reserved: 2,
      available: 8,
      damaged: 1,
      quarantine: 0,
      repair: 0,
      returns_pending: 0,
      on_hand: 11,
      in_transit_in: 5,
      on_order: 20,
      inventory_value: 27.5,
      avg_unit_cost: 2.5,
    });
    const hidden = await get('/api/v1/positions?sku=SKU-1&node_id=ST-1', 'warehouse');
    expect(hidden.json.data).toHaveLength(1);
    expect(hidden.json.data[0]).toMatchObject({ sku: 'SKU-1', node_id: 'ST-1', available: -1 });
    expect(hidden.json.data[0]).not.toHaveProperty('inventory_value');
    expect(hidden.json.data[0]).not.toHaveProperty('avg_unit_cost');
    const paged = await get('/api/v1/positions?limit=1&offset=2', 'planner');
    expect(paged.json.data.map((row: Json) => row.sku)).toEqual(['SKU-2']);
  });

  it('availability by channel and sku, with the per-node view of one sku', async () => {
    const one = await get('/api/v1/availability?sku=SKU-1', 'integration');
    expect(one.status).toBe(200);
    expect(one.json.channels).toEqual([
      { channel_id: 'AMZ', sku: 'SKU-1', available: 4 },
      { channel_id: 'WEB', sku: 'SKU-1', available: 6 },
    ]);
    expect(one.json.nodes.map((row: Json) => [row.node_id, row.available])).toEqual([
      ['DC-1', 8],
      ['ST-1', -1],
    ]);
    const web = await get('/api/v1/availability?channel_id=WEB', 'integration');
    expect(web.json.channels.map((row: Json) => row.sku)).toEqual(['SKU-1', 'SKU-2']);
    expect(web.json).not.toHaveProperty('nodes');
  });

  it('atp, exceptions and kpis', async () => {
    const atp = await get('/api/v1/atp?sku=SKU-1', 'planner');
    expect(atp.json.sku).toBe('SKU-1');
    expect(atp.json.data.map((row: Json) => [row.node_id, row.day.slice(0, 10), row.atp])).toEqual([
      ['DC-1', '2025-03-01', 8],
      ['DC-1', '2025-03-02', 13],
      ['ST-1', '2025-03-01', -1],
    ]);
    expect(atp.json.data[1]).toEqual({
      sku: 'SKU-1',
      node_id: 'DC-1',
      day: '2025-03-02T00:00:00.000Z',
      available_now: 8,
      inbound_qty: 5,
      atp: 13,
    });
    const window = await get('/api/v1/atp?sku=SKU-1&node_id=DC-1&from=2025-03-02&to=2025-03-31', 'planner');
    expect(window.json.data.map((row: Json) => row.atp)).toEqual([13]);
    expectProblem(await get('/api/v1/atp?sku=SKU-1&from=March', 'planner'), 400, 'validation_failed');
    expectProblem(await get('/api/v1/atp', 'planner'), 400, 'validation_failed');
    const open = await get('/api/v1/exceptions?status=open', 'warehouse');
    expect(open.json.data).toEqual([
      {
        exception_id: 'X-1',
        exception_type: 'oversell',
        severity: 'high',
        sku: 'SKU-1',
        node_id: 'ST-1',
        order_id: null,
        po_id: null,
        opened_at: '2025-03-01T09:00:00.000Z',
        status: 'open',
        detail: '{"units": 1}',
        cleared_at: null,
        duration_hours: null,
      },
    ]);
    const all = await get('/api/v1/exceptions', 'executive');
    expect(all.json.data.map((row: Json) => row.exception_id)).toEqual(['X-2', 'X-1']);
    // a cleared episode stays, resolved, with when it cleared and how long it lasted
    expect(all.json.data[0]).toMatchObject({ cleared_at: '2025-03-02T15:30:00.000Z', duration_hours: 6.5 });
    const kpis = await get('/api/v1/kpis', 'executive');
    expect(kpis.json.data.map((row: Json) => [row.kpi, row.scope, row.scope_id, row.value])).toEqual([
      ['fill_rate', 'all', null, 97],
      ['fill_rate', 'node', 'DC-1', 95],
      ['stockout_rate', 'all', null, 2],
    ]);
    expect(kpis.json.data[0]).toMatchObject({ unit: '%', window_end: '2025-03-01T00:00:00.000Z' });
    const nodes = await get('/api/v1/kpis?kpi=fill_rate&scope=node', 'finance');
    expect(nodes.json.data.map((row: Json) => row.scope_id)).toEqual(['DC-1']);
    const weekly = await get('/api/v1/kpis?period=week&from=2025-02-24', 'finance');
    expect(weekly.json.data).toEqual([
      expect.objectContaining({ kpi: 'fill_rate', value: 90, complete: false }),
    ]);
  });

  it('validates query strings with field paths', async () => {
    const reply = await get('/api/v1/positions?limit=0&bogus=1&offset=x', 'planner');
    expectProblem(reply, 400, 'validation_failed');
    expect(reply.json.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'query.bogus',
      'query.limit',
      'query.offset',
    ]);
    const repeated = await get('/api/v1/positions?sku=A&sku=B', 'planner');
    expectProblem(repeated, 400, 'validation_failed');
    expect(repeated.json.errors[0].path).toBe('query.sku');
    expectProblem(await get('/api/v1/exceptions?status=closed', 'planner'), 400, 'validation_failed');
  });

  it('503 problem details when a read model is not in the warehouse yet', async () => {
    const bare = await createFixture({ without: READ_MODELS });
    try {
      for (const route of [
        '/api/v1/positions',
        '/api/v1/availability?sku=A',
        '/api/v1/atp?sku=A',
        '/api/v1/exceptions',
        '/api/v1/kpis',
      ]) {
        const reply = await call(bare.url, 'GET', route, { key: bare.keys.admin });
        expectProblem(reply, 503, 'read_model_unavailable');
        expect(reply.json.detail).toMatch(/not available in this warehouse yet/);
        expect(reply.headers.get('retry-after')).toBe('60');
      }
      const rejects = await call(bare.url, 'GET', '/api/v1/rejects', { key: bare.keys.admin });
      expect(rejects.status).toBe(200);
    } finally {
      await bare.dispose();
    }
  });
});

describe('OpenAPI and reference', () => {
  it('documents every operation from the zod schemas, with the permission and roles', async () => {
    const reply = await get('/api/v1/openapi.json', 'analyst');
    expect(reply.status).toBe(200);
    const doc = reply.json;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of fx.server.routes) {
      const path = route.path.replace(/:([a-z_]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      expect(operation['x-permission']).toBe(route.permission);
      expect(operation.responses['401']).toBeDefined();
    }
    const positions = doc.paths['/api/v1/positions'].get;
    expect(positions.parameters.map((param: { name: string }) => param.name)).toEqual([
      'sku',
      'node_id',
      'limit',
      'offset',
    ]);
    expect(positions.parameters[2].schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000 });
    const events = doc.paths['/api/v1/events'].post.requestBody.content['application/json'].schema;
    const receipt = events.oneOf[0].oneOf.find(
      (schema: Json) => schema.properties?.type?.const === 'receipt',
    );
    expect(receipt.required).toEqual(
      expect.arrayContaining(['event_id', 'occurred_at', 'node_id', 'sku', 'qty']),
    );
    expect(receipt.additionalProperties).toBe(false);
    const sql = doc.paths['/api/v1/sql'].post;
    expect(sql['x-roles']).toEqual(['admin', 'analyst']);
    expect(Object.keys(sql.responses['200'].content)).toEqual(
      expect.arrayContaining([
        'application/json',
        'text/csv; charset=utf-8',
        'application/vnd.apache.arrow.stream',
      ]),
    );
  });

  it('serves a human-readable reference page', async () => {
    const page = await get('/api/v1/docs', 'planner');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<code>/api/v1/events</code>');
    expect(page.text).toContain('events:write');
    expect(page.text).not.toMatch(/<script/i);
  });
});

describe('rate limiting and metrics', () => {
  it('429 with Retry-After once a key exceeds its rate; other keys are unaffected', async () => {
    const limited = await createFixture({ server: { rateLimit: { perSecond: 0.5, burst: 2 } } });
    try {
      const send = (key: string) => call(limited.url, 'GET', '/api/v1/rejects', { key });
      expect((await send(limited.keys.analyst)).status).toBe(200);
      expect((await send(limited.keys.analyst)).status).toBe(200);
      const third = await send(limited.keys.analyst);
      expectProblem(third, 429, 'rate_limited');
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await send(limited.keys.admin)).status).toBe(200);
      const metrics = await call(limited.url, 'GET', '/metrics', { key: limited.keys.integration });
      expect(metrics.text).toMatch(/^retailos_rate_limited_total 1$/m);
    } finally {
      await limited.dispose();
    }
  });

  it('/metrics counts requests, latency and events ingested', async () => {
    const before = await get('/metrics', 'integration');
    const accepted = (text: string) =>
      Number(/^retailos_events_ingested_total\{outcome="accepted"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    await post('/api/v1/events', 'integration', [receiptEvent('metric-1'), receiptEvent('metric-2')]);
    const after = await get('/metrics', 'integration');
    expect(accepted(after.text) - accepted(before.text)).toBe(2);
    expect(after.text).toMatch(
      /^retailos_http_requests_total\{method="POST",route="\/api\/v1\/events",status="200"\} \d+$/m,
    );
    expect(after.text).toMatch(
      /^retailos_http_request_duration_seconds_bucket\{method="GET",route="\/metrics",le="\+Inf"\} \d+$/m,
    );
    expect(after.text).toMatch(/^# TYPE retailos_job_duration_seconds histogram$/m);
    expect(after.text).toMatch(/^retailos_event_loop_delay_p99_seconds \d/m);
  });
});
