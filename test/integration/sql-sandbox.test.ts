import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALLOWED_RELATIONS,
  ALLOWED_TABLE_FUNCTIONS,
  EXCLUDED_RELATIONS,
} from '../../src/sandbox/allow-list.ts';
import { call, createFixture, type Fixture, receiptEvent } from '../unit/api/server-fixture.ts';

/**
 * The analyst SQL sandbox over HTTP, from both sides: every relation of the allow-list answers for an
 * analyst key; everything else (other relations, file and catalog functions, other statements) is
 * refused with a 400 problem detail that says what and why. Then the secrets of subscriptions, and the
 * limits (time, planning included; result bytes).
 */
let fx: Fixture;

const WEBHOOK_SECRET = 'whsec-4f9c2b7e1d8a6053-planner-only';
const WEBHOOK_TOKEN = 'T0AB12CD/B0EF34GH/xoxb-do-not-leak-9d41';

beforeAll(async () => {
  // The allow-list is what this fixture tests, not speed: a generous time limit, so a heavy mart on a loaded
  // machine answers (the limits have their own fixture below).
  fx = await createFixture({
    server: { sql: { timeoutMs: 240_000, maxRows: 100_000, maxResultBytes: 32 * 1024 * 1024 } },
  });
  const events = Array.from({ length: 5 }, (_, index) => receiptEvent(`sbx-${index}`, { qty: index + 1 }));
  expect(
    (await call(fx.url, 'POST', '/api/v1/events', { key: fx.keys.integration, body: events })).status,
  ).toBe(200);
  const subscribed = await call(fx.url, 'POST', '/api/v1/subscriptions', {
    key: fx.keys.planner,
    body: {
      name: 'planner webhook',
      channel: 'webhook',
      webhook: { url: `https://hooks.example.com/services/${WEBHOOK_TOKEN}?sig=abc`, secret: WEBHOOK_SECRET },
    },
  });
  expect(subscribed.status, subscribed.text).toBe(201);
}, 120_000);
afterAll(async () => {
  await fx?.dispose();
});

const sql = (query: string, key = fx.keys.analyst) =>
  call(fx.url, 'POST', '/api/v1/sql', { key, body: { sql: query } });

function expectRefusal(reply: Awaited<ReturnType<typeof sql>>, statement: string, detail: RegExp): void {
  expect(reply.status, `${statement} → ${reply.text}`).toBe(400);
  expect(reply.headers.get('content-type'), statement).toMatch(/^application\/problem\+json/);
  expect(reply.json.code, `${statement} → ${reply.text}`).toBe('statement_refused');
  expect(reply.json.detail, statement).toMatch(detail);
}

describe('the allow-list, seen from an analyst key', () => {
  it('GET /sql/relations lists every allowed relation present, with columns, and nothing else', async () => {
    const reply = await call(fx.url, 'GET', '/api/v1/sql/relations', { key: fx.keys.analyst });
    expect(reply.status, reply.text).toBe(200);
    const names: string[] = reply.json.relations.map((relation: { name: string }) => relation.name);
    const required = ALLOWED_RELATIONS.filter((relation) => !relation.optional).map(
      (relation) => relation.name,
    );
    expect(names.filter((name) => !required.includes(name))).toEqual(
      ALLOWED_RELATIONS.filter((relation) => relation.optional && names.includes(relation.name)).map(
        (r) => r.name,
      ),
    );
    expect(required.filter((name) => !names.includes(name))).toEqual([]);
    for (const name of Object.keys(EXCLUDED_RELATIONS)) expect(names).not.toContain(name);
    const events = reply.json.relations.find((relation: { name: string }) => relation.name === 'events');
    expect(events.columns.map((column: { name: string }) => column.name)).toEqual(
      expect.arrayContaining(['event_id', 'type', 'occurred_at', 'received_at', 'source', 'payload']),
    );
    expect(reply.json.table_functions.map((fn: { name: string }) => fn.name)).toEqual(
      Object.keys(ALLOWED_TABLE_FUNCTIONS),
    );
    expect(reply.json.limits).toEqual({
      max_rows: 100_000,
      max_result_bytes: 32 * 1024 * 1024,
      timeout_ms: 240_000,
    });
    expect((await call(fx.url, 'GET', '/api/v1/sql/relations', { key: fx.keys.finance })).status).toBe(403);
  });

  it('every allowed relation answers', async () => {
    const listed = await call(fx.url, 'GET', '/api/v1/sql/relations', { key: fx.keys.analyst });
    for (const { name } of listed.json.relations as { name: string }[]) {
      const reply = await sql(`SELECT * FROM ${name} LIMIT 3`);
      expect(reply.status, `${name} → ${reply.text}`).toBe(200);
      const described = await sql(`DESCRIBE ${name}`);
      expect(described.status, `DESCRIBE ${name} → ${described.text}`).toBe(200);
    }
    const events = await sql('SELECT count(*) AS n FROM main.EVENTS');
    expect(events.json.rows).toEqual([{ n: 5 }]);
  });

  it('every relation left out is refused, under any spelling', async () => {
    for (const name of Object.keys(EXCLUDED_RELATIONS)) {
      for (const spelling of [name, name.toUpperCase(), `"${name}"`, `main.${name}`, `"main"."${name}"`]) {
        const statement = `SELECT * FROM ${spelling}`;
        expectRefusal(await sql(statement), statement, new RegExp(`${name} cannot be read`, 'i'));
      }
      const counted = `SELECT (SELECT count(*) FROM ${name}) AS n`;
      expectRefusal(await sql(counted), counted, new RegExp(name));
    }
  });

  it('the probe’s statements and their variants are refused, with the reason', async () => {
    const cases: [string, RegExp][] = [
      [`SELECT * FROM read_blob('${fx.db}')`, /table function read_blob/],
      [`SELECT content FROM read_blob('${fx.db}.wal')`, /table function read_blob/],
      [`SELECT read_blob('${fx.db}')`, /function read_blob/],
      [`SELECT * FROM '${fx.db}'`, /cannot be read/],
      [`SELECT * FROM read_text('${fx.db}')`, /table function read_text/],
      ["EXPLAIN ANALYZE SELECT * FROM api_keys WHERE key_hash LIKE 'a%'", /api_keys cannot be read/],
      ["EXPLAIN ANALYZE SELECT count(*) FROM main.api_keys WHERE key_hash < '8'", /api_keys/],
      ["/* x */ explain -- y\n analyze select * from API_KEYS where key_hash like 'f%'", /api_keys/i],
      ['EXPLAIN SELECT * FROM api_keys', /api_keys/],
      ["SELECT * FROM pragma_storage_info('api_keys')", /pragma_storage_info/],
      ["SELECT * FROM pragma_table_info('secrets')", /pragma_table_info/],
      ['SELECT * FROM duckdb_settings()', /duckdb_settings/],
      ['SELECT * FROM duckdb_databases()', /duckdb_databases/],
      ["SELECT current_setting('temp_directory')", /current_setting/],
      ["SELECT spec->'webhook' FROM alert_subscriptions", /alert_subscriptions cannot be read/],
      [
        'WITH alert_subscriptions AS (SELECT * FROM alert_subscriptions) SELECT spec FROM alert_subscriptions',
        /alert_subscriptions/,
      ],
      ['SELECT * FROM information_schema.tables', /information_schema/],
      ['SHOW TABLES', /SHOW and DESCRIBE of the catalog/],
      ['SUMMARIZE api_keys', /api_keys/],
      ['SELECT * FROM "аpi_keys"', /cannot be read/],
      ['SELECT * FROM events; SELECT * FROM api_keys', /Only one statement/],
      [`ATTACH '${fx.db}' AS again`, /Only read queries/],
      ["COPY events TO '/tmp/retailos-sbx.csv'", /Only read queries/],
      ['SET threads = 1', /Only read queries/],
      ["PRAGMA storage_info('api_keys')", /Only read queries/],
      ['CALL pragma_version()', /Only read queries/],
      ['INSTALL httpfs', /Only read queries/],
      ['LOAD httpfs', /Only read queries/],
    ];
    for (const [statement, detail] of cases) {
      const reply = await sql(statement);
      expectRefusal(reply, statement, detail);
      expect(reply.text, statement).not.toMatch(/key_hash"\s*:|[0-9a-f]{64}/);
    }
  });

  it('a webhook secret and URL token are in no relation an analyst can read', async () => {
    const listed = await call(fx.url, 'GET', '/api/v1/sql/relations', { key: fx.keys.analyst });
    for (const { name } of listed.json.relations as { name: string }[]) {
      const reply = await sql(`SELECT * FROM ${name}`, fx.keys.admin);
      expect(reply.status, name).toBe(200);
      expect(reply.text, name).not.toContain(WEBHOOK_SECRET);
      expect(reply.text, name).not.toContain('xoxb-do-not-leak');
    }
    // Where they are: the secret store; the subscription row keeps the origin and a reference.
    const stored = await fx.server.context.readers.use((reader) =>
      reader.all(
        `SELECT s.spec::VARCHAR AS spec, k.value FROM alert_subscriptions s
         JOIN secrets k ON k.secret_id = (s.spec->>'$.webhook.credentials')`,
        {},
      ),
    );
    expect(stored).toHaveLength(1);
    expect(String(stored[0]!.spec)).not.toContain(WEBHOOK_SECRET);
    expect(String(stored[0]!.spec)).not.toContain('xoxb');
    expect(JSON.parse(String(stored[0]!.spec)).webhook).toEqual({
      origin: 'https://hooks.example.com',
      credentials: expect.stringMatching(/^sec-/),
    });
    expect(JSON.parse(String(stored[0]!.value))).toEqual({
      url: `https://hooks.example.com/services/${WEBHOOK_TOKEN}?sig=abc`,
      secret: WEBHOOK_SECRET,
    });
    // Its owner still sees the URL (never the secret) through the subscriptions route.
    const mine = await call(fx.url, 'GET', '/api/v1/subscriptions', { key: fx.keys.planner });
    expect(mine.json.data[0].spec.webhook).toEqual({
      url: `https://hooks.example.com/services/${WEBHOOK_TOKEN}?sig=abc`,
      secret: '***',
    });
  });
});

describe('the limits', () => {
  let small: Fixture;

  beforeAll(async () => {
    small = await createFixture({
      server: { sql: { timeoutMs: 1_500, maxRows: 100_000, maxResultBytes: 256 * 1024 } },
    });
  }, 120_000);
  afterAll(async () => {
    await small?.dispose();
  });

  const run = (query: string, extra: Record<string, unknown> = {}) =>
    call(small.url, 'POST', '/api/v1/sql', { key: small.keys.analyst, body: { sql: query, ...extra } });

  it('the time limit covers planning: a constant DuckDB folds while planning is stopped too', async () => {
    // Costs seconds of constant folding at prepare time and next to nothing to execute; the limit used to
    // start after the plan check and the prepare, so this ran to the end and answered 200.
    const reply = await run("SELECT length(regexp_replace(repeat('ab', 10000000), 'a', 'xyz', 'g')) AS x");
    expect(reply.status, reply.text).toBe(400);
    expect(reply.json.code).toBe('query_timeout');
    const after = await run('SELECT 42 AS answer');
    expect(after.json.rows).toEqual([{ answer: 42 }]);
  });

  it('refuses a result over the byte cap with result_too_large, in every format, and serves the next query', async () => {
    const big = "SELECT i, repeat('x', 1000) AS pad FROM range(1000) t(i)";
    for (const format of ['json', 'csv', 'arrow']) {
      const reply = await run(big, { format });
      expect(reply.status, `${format} → ${reply.text}`).toBe(400);
      expect(reply.json.code).toBe('result_too_large');
      expect(reply.json.detail).toMatch(/larger than 256 KiB/);
    }
    const fits = await run("SELECT i, repeat('x', 1000) AS pad FROM range(100) t(i)");
    expect(fits.status, fits.text).toBe(200);
    expect(fits.json.row_count).toBe(100);
    const cut = await run("SELECT i, repeat('x', 1000) AS pad FROM range(1000) t(i)", { max_rows: 50 });
    expect(cut.status, cut.text).toBe(200);
    expect(cut.json.row_count).toBe(50);
    expect(cut.json.truncated).toBe(true);
  });
});
