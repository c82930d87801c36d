/**
 * Key guessing and key leaks, against a real server on loopback: failed keys are throttled per client
 * address on the API and the dashboards' login form alike (other addresses unaffected), and no key
 * reaches the log, wherever it was sent. Clients on other addresses are 127.0.0.x sockets.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/api/logger.ts';
import { createFixture, type Fixture } from '../unit/api/server-fixture.ts';
import { type RawReply, rawRequest } from './http-raw.ts';

const logLines: string[] = [];
let fx: Fixture;

beforeAll(async () => {
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  fx = await createFixture({
    server: {
      operations: { enabled: false },
      jobs: { enabled: false },
      logger: createLogger({ level: 'debug', destination: capture }),
      // Five failures per address; practically none earned back during the test.
      authThrottle: {
        perAddressBurst: 5,
        perAddressPerMinute: 0.01,
        globalBurst: 10_000,
        globalPerSecond: 1_000,
      },
    },
  });
});

afterAll(async () => {
  await fx?.dispose();
});

const wrongKey = () => `rk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;

function api(from: string, key: string | undefined, target = '/api/v1/positions'): Promise<RawReply> {
  return rawRequest(fx.url, {
    path: target,
    localAddress: from,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
}

function login(from: string, key: string): Promise<RawReply> {
  return rawRequest(fx.url, {
    method: 'POST',
    path: '/dashboards/login',
    localAddress: from,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key, next: '/dashboards/' }).toString(),
  });
}

function tally(replies: RawReply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const reply of replies) counts[reply.status] = (counts[reply.status] ?? 0) + 1;
  return counts;
}

describe('failed keys are throttled per address', () => {
  it('on the API: 300 wrong keys give 5 × 401 then 429 with Retry-After; a valid key elsewhere is served', async () => {
    const replies: RawReply[] = [];
    for (let attempt = 0; attempt < 300; attempt++) {
      replies.push(await api('127.0.0.11', attempt % 3 === 0 ? 'not-even-a-key' : wrongKey()));
    }
    expect(tally(replies)).toEqual({ 401: 5, 429: 295 });
    const throttled = replies.at(-1)!;
    expect(throttled.json).toMatchObject({ code: 'too_many_failed_keys' });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The throttled address waits even with a valid key (its key is not looked at, so 429 tells nothing).
    expect((await api('127.0.0.11', fx.keys.planner)).status).toBe(429);
    // Another address, with a valid key, is served; with no key at all nothing is counted against it.
    expect((await api('127.0.0.12', fx.keys.planner)).status).toBe(200);
    expect((await api('127.0.0.12', undefined)).status).toBe(401);
    expect((await api('127.0.0.12', fx.keys.planner)).status).toBe(200);
  });

  it('on the dashboards login form too, sharing the count with the API', async () => {
    const replies: RawReply[] = [];
    for (let attempt = 0; attempt < 30; attempt++) replies.push(await login('127.0.0.13', wrongKey()));
    expect(tally(replies)).toEqual({ 401: 5, 429: 25 });
    const throttled = replies.at(-1)!;
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(throttled.text).toMatch(/Too many invalid keys from your address/);
    // The same address is throttled on the API, and on dashboards requests with a key header.
    expect((await api('127.0.0.13', wrongKey())).status).toBe(429);
    expect((await api('127.0.0.13', fx.keys.admin, '/dashboards/rebuild')).status).toBe(429);
    // A legitimate user elsewhere logs in.
    const ok = await login('127.0.0.14', fx.keys.admin);
    expect(ok.status).toBe(303);
    expect(String(ok.headers['set-cookie'])).toMatch(/retailos_session=/);
    const metrics = await api('127.0.0.14', fx.keys.admin, '/metrics');
    expect(metrics.text).toMatch(/^retailos_auth_throttled_total [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^retailos_auth_failures_total [1-9]\d*$/m);
  });
});

describe('keys never reach the log', () => {
  it('redacts keys sent in query parameters, paths, headers and error messages', async () => {
    const admin = fx.keys.admin;
    const secret = admin.split('_').slice(2).join('_');
    const keyId = admin.split('_')[1]!;
    const from = '127.0.0.20';
    const sent = [
      `/api/v1/positions?key=${admin}`,
      `/api/v1/positions?api_key=typo-not-a-key-123`,
      `/api/v1/positions?token=${admin}&limit=5`,
      `/api/v1/positions?limit=5&KEY=${admin}`,
      `/api/v1/positions?%6Bey=${admin}`,
      `/api/v1/positions?x-api-key=${encodeURIComponent(admin)}`,
      `/api/v1/${admin}`,
      `/dashboards/login?next=${encodeURIComponent(`/dashboards/?key=${admin}`)}`,
    ];
    for (const target of sent)
      await rawRequest(fx.url, { path: target, localAddress: from, headers: { 'x-api-key': admin } });
    await rawRequest(fx.url, {
      path: '/api/v1/positions',
      localAddress: from,
      headers: { 'x-api-key': `${admin}x` },
    });
    await login(from, admin);
    fx.server.context.logger.error(
      { err: new Error(`could not use ${admin}`), key: admin },
      `a message with ${admin}`,
    );
    const log = logLines.join('');
    expect(log).toContain('/api/v1/positions');
    for (const leaked of [secret, 'typo-not-a-key-123']) expect(log).not.toContain(leaked);
    expect(log).toContain('[redacted]');
    // The key id stays (it is public and names the key in the log).
    expect(log).toContain(`rk_${keyId}_[redacted]`);
  });
});
