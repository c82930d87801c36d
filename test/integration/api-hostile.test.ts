/**
 * One request must never freeze or crash HTTP ingest: pathological bodies (deep nesting, huge strings,
 * numbers and containers, bodies of 50 MB, bad encodings, corrupt compression) are refused with a 4xx
 * problem before anything parses them; a staging worker that dies is replaced and its request answered;
 * no request waits without bound; /health says when ingest is degraded and how far the ledger is behind.
 * Real server on loopback, real worker threads, real DuckDB.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, receiptEvent } from '../unit/api/server-fixture.ts';
import { type RawReply, rawRequest } from './http-raw.ts';

/**
 * One JSON request on a fresh connection. A pooled keep-alive socket the server closed while idle (its
 * 5 s keep-alive) is a race fetch loses on a loaded machine (ECONNRESET); these tests idle between calls.
 */
function call(
  url: string,
  method: string,
  route: string,
  options: { key?: string; body?: unknown } = {},
): Promise<RawReply> {
  return rawRequest(url, {
    method,
    path: route,
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const withField = (event: Record<string, unknown>, name: string, json: string) =>
  JSON.stringify(event).replace(/}$/, `,"${name}":${json}}`);
const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Bodies no batch of events looks like, each with the refusal it must get. */
function hostileBodies(
  tag: string,
): { name: string; body: Buffer; headers?: Record<string, string>; status: number; code: string }[] {
  const event = receiptEvent(`${tag}-hostile`);
  return [
    {
      name: '100,000 nested arrays (200 KB)',
      body: utf8(deepArrays(100_000)),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: '100,000 nested objects',
      body: utf8(deepObjects(100_000)),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: 'deep arrays inside one event of a batch',
      body: utf8(
        `[${JSON.stringify(receiptEvent(`${tag}-ok`))},${withField(event, 'lines', deepArrays(50_000))}]`,
      ),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: 'deep objects in a workflow detail',
      body: utf8(`[${withField(event, 'detail', deepObjects(10_000))}]`),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: 'a 4 MB string',
      body: utf8(JSON.stringify([{ ...event, note: 'x'.repeat(4 << 20) }])),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: '20,000 keys in one event',
      body: utf8(
        JSON.stringify([
          { ...event, ...Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) },
        ]),
      ),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: 'a 1,000,000-digit number',
      body: utf8(`[${withField(event, 'qty', '9'.repeat(1_000_000))}]`),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: '1,000,000 elements in a field',
      body: utf8(`[${withField(event, 'lines', `[${Array(1_000_000).fill(0).join(',')}]`)}]`),
      status: 400,
      code: 'body_too_complex',
    },
    {
      name: 'invalid UTF-8 (a stray 0xFF)',
      body: Buffer.concat([utf8(`[{"event_id":"${tag}-bad`), Buffer.from([0xff, 0xfe]), utf8('"}]')]),
      status: 400,
      code: 'invalid_encoding',
    },
    {
      name: 'an overlong UTF-8 slash',
      body: Buffer.concat([utf8(`[{"event_id":"${tag}-`), Buffer.from([0xc0, 0xaf]), utf8('"}]')]),
      status: 400,
      code: 'invalid_encoding',
    },
    {
      name: 'a UTF-16 surrogate encoded as UTF-8 (CESU)',
      body: Buffer.concat([utf8(`[{"event_id":"${tag}-`), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}]')]),
      status: 400,
      code: 'invalid_encoding',
    },
    {
      name: 'a body that says charset=utf-16',
      body: Buffer.from(JSON.stringify([event]), 'utf16le'),
      headers: { 'content-type': 'application/json; charset=utf-16' },
      status: 415,
      code: 'unsupported_charset',
    },
    {
      name: 'a body that says charset=latin1',
      body: utf8(JSON.stringify([event])),
      headers: { 'content-type': 'application/json; charset=ISO-8859-1' },
      status: 415,
      code: 'unsupported_charset',
    },
    {
      name: 'corrupt gzip',
      body: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 0x41)]),
      headers: { 'content-encoding': 'gzip' },
      status: 400,
      code: 'invalid_content_encoding',
    },
    {
      name: 'truncated gzip',
      body: gzipSync(JSON.stringify([event])).subarray(0, 30),
      headers: { 'content-encoding': 'gzip' },
      status: 400,
      code: 'invalid_content_encoding',
    },
    {
      name: 'corrupt br',
      body: Buffer.from('this is not brotli at all, just text that claims to be'),
      headers: { 'content-encoding': 'br' },
      status: 400,
      code: 'invalid_content_encoding',
    },
    {
      name: 'corrupt deflate',
      body: utf8(JSON.stringify([event])),
      headers: { 'content-encoding': 'deflate' },
      status: 400,
      code: 'invalid_content_encoding',
    },
    {
      name: 'an unknown Content-Encoding',
      body: utf8(JSON.stringify([event])),
      headers: { 'content-encoding': 'x-snappy' },
      status: 415,
      code: 'unsupported_content_encoding',
    },
    {
      name: 'two stacked encodings',
      body: gzipSync(gzipSync(JSON.stringify([event]))),
      headers: { 'content-encoding': 'gzip, gzip' },
      status: 415,
      code: 'unsupported_content_encoding',
    },
    {
      name: 'a gzip bomb (64 MB of spaces in 64 KB)',
      body: gzipSync(Buffer.alloc(64 << 20, 0x20)),
      headers: { 'content-encoding': 'gzip' },
      status: 413,
      code: 'body_too_large',
    },
    {
      name: 'gzip of 100,000 nested arrays',
      body: gzipSync(deepArrays(100_000)),
      headers: { 'content-encoding': 'gzip' },
      status: 400,
      code: 'body_too_complex',
    },
  ];
}

function postRaw(fx: Fixture, body: Buffer, headers: Record<string, string> = {}, chunked = false) {
  return rawRequest(fx.url, {
    method: 'POST',
    path: '/api/v1/events',
    headers: {
      authorization: `Bearer ${fx.keys.integration}`,
      'content-type': 'application/json',
      ...headers,
    },
    body,
    chunked,
  });
}

async function countEvents(fx: Fixture, pattern: string): Promise<{ events: number; rejects: number }> {
  const events = await call(fx.url, 'POST', '/api/v1/sql', {
    key: fx.keys.analyst,
    body: { sql: `SELECT count(*) AS n FROM events WHERE event_id LIKE '${pattern}'` },
  });
  const rejects = await call(fx.url, 'GET', '/api/v1/rejects?limit=1000', { key: fx.keys.admin });
  // Every reject counts (a refused body has no event id to match): these servers get no invalid events.
  return { events: events.json.rows[0].n, rejects: rejects.json.data.length };
}

let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture({
    server: {
      operations: { enabled: false },
      jobs: { enabled: false },
      // A loaded machine must not turn a slow validation into a 503 for the normal clients (a guard rail).
      ingest: { stagePool: { maxWaitMs: 240_000 } },
    },
  });
});

afterAll(async () => {
  await fx?.dispose();
});

describe('pathological request bodies', () => {
  it('are refused with a 4xx problem, store nothing, and leave ingest healthy', async () => {
    for (const hostile of hostileBodies('p')) {
      const reply = await postRaw(fx, hostile.body, hostile.headers);
      expect(reply.status, `${hostile.name}: ${reply.text.slice(0, 300)}`).toBe(hostile.status);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.json, hostile.name).toMatchObject({ status: hostile.status, code: hostile.code });
      expect(reply.json.detail.length, hostile.name).toBeGreaterThan(20);
    }
    // Nothing of them was landed or kept as a reject; the next plain request is served.
    expect(await countEvents(fx, 'p-%')).toEqual({ events: 0, rejects: 0 });
    const plain = await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.integration,
      body: [receiptEvent('p-after')],
    });
    expect(plain.json).toMatchObject({ accepted: 1 });
    const health = await call(fx.url, 'GET', '/health');
    expect(health.json).toMatchObject({ status: 'ok', ingest: { status: 'ok', staging: { restarts: 0 } } });
    expect(health.json.ingest.staging.healthy).toBe(health.json.ingest.staging.workers);
  });

  it('a body of 50 MB is refused with 413, with a length and chunked', async () => {
    const body = utf8(`[${JSON.stringify(receiptEvent('big-0')).padEnd(50 << 20, ' ')}]`);
    for (const chunked of [false, true]) {
      const reply = await postRaw(fx, body, {}, chunked);
      expect(reply.status).toBe(413);
      expect(reply.json).toMatchObject({ code: 'body_too_large' });
    }
  });

  it('compressed bodies that decode are served (gzip, deflate, br)', async () => {
    const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const [encoding, encode] of Object.entries(encoders)) {
      const reply = await postRaw(fx, encode(JSON.stringify([receiptEvent(`z-${encoding}`)])), {
        'content-encoding': encoding,
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toMatchObject({ accepted: 1 });
    }
  });

  it('other JSON routes refuse the same bodies before parsing them', async () => {
    const keys = (body: Buffer, headers: Record<string, string> = {}) =>
      rawRequest(fx.url, {
        method: 'POST',
        path: '/api/v1/keys',
        headers: { authorization: `Bearer ${fx.keys.admin}`, 'content-type': 'application/json', ...headers },
        body,
      });
    const cases: [Buffer, Record<string, string>, number, string][] = [
      [utf8(deepArrays(100_000)), {}, 400, 'body_too_complex'],
      [utf8(`{"role":"analyst","name":"x","n":${'1'.repeat(100_000)}}`), {}, 400, 'body_too_complex'],
      [
        Buffer.concat([utf8('{"role":"analyst","name":"'), Buffer.from([0xff]), utf8('"}')]),
        {},
        400,
        'invalid_encoding',
      ],
      [Buffer.from('garbage'), { 'content-encoding': 'br' }, 400, 'invalid_content_encoding'],
      [utf8('{}'), { 'content-encoding': 'compress' }, 415, 'unsupported_content_encoding'],
      [utf8('{"role":'), {}, 400, 'malformed_json'],
    ];
    for (const [body, headers, status, code] of cases) {
      const reply = await keys(body, headers);
      expect(reply.status, reply.text.slice(0, 200)).toBe(status);
      expect(reply.json).toMatchObject({ code });
    }
    // The same route still works (a byte-order mark is tolerated).
    const created = await keys(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"role":"analyst","name":"bom"}')]),
    );
    expect(created.status, created.text).toBe(201);
  });

  it('among 4 normal clients, a hostile one never stops them: every normal request is answered and landed', async () => {
    const clients = 4;
    const batches = 6;
    const perBatch = 250;
    let normalDone = false;
    const hostileStatuses: number[] = [];
    const hostile = (async () => {
      const bodies = hostileBodies('h');
      for (let round = 0; !normalDone || round < bodies.length; round++) {
        const next = bodies[round % bodies.length]!;
        const reply = await postRaw(fx, next.body, next.headers);
        hostileStatuses.push(reply.status);
      }
    })();
    const normal = await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const statuses: number[] = [];
        let accepted = 0;
        for (let batch = 0; batch < batches; batch++) {
          const events = Array.from({ length: perBatch }, (_, index) =>
            receiptEvent(`n-${client}-${batch}-${index}`),
          );
          const reply = await call(fx.url, 'POST', '/api/v1/events', {
            key: fx.keys.integration,
            body: events,
          });
          statuses.push(reply.status);
          accepted += reply.json?.accepted ?? 0;
        }
        return { statuses, accepted };
      }),
    );
    normalDone = true;
    await hostile;
    for (const { statuses, accepted } of normal) {
      expect(statuses).toEqual(Array(batches).fill(200));
      expect(accepted).toBe(batches * perBatch);
    }
    expect(hostileStatuses.length).toBeGreaterThanOrEqual(hostileBodies('h').length);
    expect(hostileStatuses.every((status) => status >= 400 && status < 500)).toBe(true);
    expect(await countEvents(fx, 'n-%')).toEqual({ events: clients * batches * perBatch, rejects: 0 });
    const health = await call(fx.url, 'GET', '/health');
    expect(health.json).toMatchObject({ status: 'ok', ingest: { status: 'ok', queued_events: 0 } });
  });
});

describe('staging workers that fail', () => {
  it('a worker that dies under a request is replaced: that request gets a clear 500, the others are served', async () => {
    // 24 MB of heap per worker: enough for ordinary requests, not for 10,000 events of 1 KB.
    const small = await createFixture({
      server: {
        operations: { enabled: false },
        jobs: { enabled: false },
        ingest: { stageWorkers: 1, stagePool: { maxHeapMb: 24, maxWaitMs: 240_000 } },
      },
    });
    try {
      const heavy = Array.from({ length: 10_000 }, (_, index) =>
        receiptEvent(`heavy-${index}`, { note: 'x'.repeat(1_000) }),
      );
      const [crashed, ...served] = await Promise.all([
        call(small.url, 'POST', '/api/v1/events', { key: small.keys.integration, body: heavy }),
        ...Array.from({ length: 3 }, (_, index) =>
          call(small.url, 'POST', '/api/v1/events', {
            key: small.keys.integration,
            body: [receiptEvent(`light-${index}`)],
          }),
        ),
      ]);
      expect(crashed!.status).toBe(500);
      expect(crashed!.json).toMatchObject({ code: 'staging_failed' });
      expect(crashed!.json.detail).toMatch(/stopped under this input 2 time.*nothing of it was stored/);
      for (const reply of served) expect(reply.json).toMatchObject({ accepted: 1 });
      const after = await call(small.url, 'POST', '/api/v1/events', {
        key: small.keys.integration,
        body: [receiptEvent('light-after')],
      });
      expect(after.json).toMatchObject({ accepted: 1 });
      const health = await call(small.url, 'GET', '/health');
      expect(health.json).toMatchObject({
        status: 'ok',
        ingest: { staging: { workers: 1, healthy: 1, restarts: 2 } },
      });
      expect(health.json.ingest.staging.last_failure).toMatch(/memory/);
    } finally {
      await small.dispose();
    }
  });

  it('with no worker able to run, requests get 503 with Retry-After in bounded time and /health says degraded', async () => {
    const broken = await createFixture({
      server: {
        operations: { enabled: false },
        jobs: { enabled: false },
        ingest: { stageWorkers: 1, stagePool: { maxHeapMb: 2, maxWaitMs: 1_000 } },
      },
    });
    try {
      const reply = await call(broken.url, 'POST', '/api/v1/events', {
        key: broken.keys.integration,
        body: [receiptEvent('nobody')],
      });
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({ code: 'ingest_unavailable' });
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
      const health = await call(broken.url, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.json).toMatchObject({
        status: 'degraded',
        ingest: { status: 'degraded', staging: { healthy: 0 } },
      });
      expect(health.json.problems.join(' ')).toMatch(/no staging worker is running/);
    } finally {
      await broken.dispose();
    }
  });
});

describe('the landing queue and /health', () => {
  it('a request waits for the writer at most maxQueueWaitMs (then 503), and /health shows the full queue', async () => {
    const slow = await createFixture({
      server: {
        operations: { enabled: false },
        jobs: { enabled: false },
        ingest: { maxQueuedEvents: 10, maxQueueWaitMs: 30_000 },
      },
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Something else holds the write connection (a long refresh, a stuck write).
    const holding = slow.server.context.exclusive(() => held);
    try {
      const events = Array.from({ length: 9 }, (_, index) => receiptEvent(`q-${index}`));
      const waiting = call(slow.url, 'POST', '/api/v1/events', { key: slow.keys.integration, body: events });
      // While it waits (up to 30 s), /health shows the queue full.
      await expect
        .poll(async () => (await call(slow.url, 'GET', '/health')).json.ingest, { timeout: 120_000 })
        .toMatchObject({ status: 'degraded', queued_events: 9, queued_requests: 1 });
      const reply = await waiting;
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({ code: 'ingest_busy' });
      expect(reply.headers['retry-after']).toBeTruthy();
    } finally {
      release();
      await holding;
    }
    const again = await call(slow.url, 'POST', '/api/v1/events', {
      key: slow.keys.integration,
      body: [receiptEvent('q-after')],
    });
    expect(again.json).toMatchObject({ accepted: 1 });
    // The refused request left nothing behind; the retried one landed.
    expect((await countEvents(slow, 'q-%')).events).toBe(1);
    await slow.dispose();
  });

  it('reports the ledger lag: events landed but not applied, and how long the oldest has waited', async () => {
    const lag = await createFixture({
      server: { jobs: { enabled: false }, operations: { debounceMs: 60_000, maxWaitMs: 60_000 } },
    });
    try {
      const events = Array.from({ length: 20 }, (_, index) => receiptEvent(`lag-${index}`));
      expect(
        (await call(lag.url, 'POST', '/api/v1/events', { key: lag.keys.integration, body: events })).json,
      ).toMatchObject({
        accepted: 20,
      });
      await expect
        .poll(async () => (await call(lag.url, 'GET', '/health')).json.ledger?.pending_events, {
          timeout: 120_000,
        })
        .toBe(20);
      const behind = (await call(lag.url, 'GET', '/health')).json.ledger;
      expect(behind.seconds_behind).toBeGreaterThanOrEqual(0);
      await lag.server.context.operations!.flush();
      await expect
        .poll(async () => (await call(lag.url, 'GET', '/health')).json.ledger, { timeout: 120_000 })
        .toMatchObject({ pending_events: 0, seconds_behind: 0 });
    } finally {
      await lag.dispose();
    }
  });
});
