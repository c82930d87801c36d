import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../src/alerts/delivery/webhook.ts';
import { sendTest } from '../../src/alerts/notify.ts';
import { createSubscription, deleteSubscription, listSubscriptions } from '../../src/alerts/subscriptions.ts';
import { ManualClock } from '../../src/clock/sources.ts';
import { applyMigrations, MIGRATIONS_DIR } from '../../src/warehouse/migrations.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';

/**
 * Migration 0120 on a warehouse made before it: webhook subscriptions kept their URL and HMAC secret in
 * alert_subscriptions.spec. After it, the secret store holds both, the row an origin and a reference,
 * delivery still signs with the old secret, and delivery errors no longer carry whole URLs.
 */
let dir: string;
let warehouse: Warehouse;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-secrets-'));
  const before = path.join(dir, 'migrations-before-0120');
  fs.mkdirSync(before);
  for (const file of fs.readdirSync(MIGRATIONS_DIR)) {
    if (Number(file.slice(0, 4)) < 120)
      fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(before, file));
  }
  warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), { migrate: false });
  await applyMigrations(warehouse, before);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await warehouse.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function receiver(): Promise<{
  url: string;
  received: { body: string; headers: http.IncomingHttpHeaders }[];
}> {
  const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function insertOld(id: string, spec: Record<string, unknown>, active = true): Promise<void> {
  await warehouse.run(
    `INSERT INTO alert_subscriptions VALUES ($id, $name, $spec::JSON, 'someone', '2025-01-01T00:00:00Z', $active)`,
    { id, name: String(spec.name), spec: JSON.stringify(spec), active },
  );
}

const base = {
  filter: { min_severity: 'info' },
  mode: 'immediate',
  throttle: { max: 20, window_minutes: 60 },
};

describe('migration 0120: secrets out of alert_subscriptions', () => {
  it('moves webhook URLs and secrets to the secret store; delivery still signs with the old secret', async () => {
    const hook = await receiver();
    const url = `${hook.url}/services/T01/B02/tok-migrate-me?x=1`;
    const secret = 'old-secret-made-before-0120';
    await insertOld('sub-web', { ...base, name: 'web', channel: 'webhook', webhook: { url, secret } });
    await insertOld('sub-mail', {
      ...base,
      name: 'mail',
      channel: 'email',
      email: { to: ['ops@example.com'] },
    });
    await insertOld(
      'sub-gone',
      {
        ...base,
        name: 'gone',
        channel: 'webhook',
        webhook: { url: 'https://user:pw@hooks.example.com/x/tok-old', secret: 'inactive-but-secret' },
      },
      false,
    );
    await warehouse.run(
      `INSERT INTO alert_deliveries VALUES ('dl-1', 'sub-web', '["al-1"]', 'webhook', 'opened', 'dead_letter', 5,
        'webhook https://hooks.example.com/services/T01/B02/tok-migrate-me answered 500', now(), now())`,
    );

    expect(await applyMigrations(warehouse)).toBeGreaterThanOrEqual(1);

    const rows = await warehouse.all<{ subscription_id: string; spec: string }>(
      'SELECT subscription_id, spec::VARCHAR AS spec FROM alert_subscriptions ORDER BY subscription_id',
    );
    const text = JSON.stringify(rows);
    for (const leaked of [secret, 'tok-migrate-me', 'inactive-but-secret', 'tok-old', 'pw@']) {
      expect(text).not.toContain(leaked);
    }
    const specs = Object.fromEntries(rows.map((row) => [row.subscription_id, JSON.parse(row.spec)]));
    expect(specs['sub-web'].webhook).toEqual({ origin: hook.url, credentials: 'sec-sub-web' });
    expect(specs['sub-gone'].webhook).toEqual({
      origin: 'https://hooks.example.com',
      credentials: 'sec-sub-gone',
    });
    expect(specs['sub-mail']).toEqual({
      ...base,
      name: 'mail',
      channel: 'email',
      email: { to: ['ops@example.com'] },
    });
    const secrets = await warehouse.all<{
      secret_id: string;
      purpose: string;
      owner_id: string;
      value: string;
    }>('SELECT secret_id, purpose, owner_id, value FROM secrets ORDER BY secret_id');
    expect(secrets.map((row) => [row.secret_id, row.purpose, row.owner_id])).toEqual([
      ['sec-sub-gone', 'alert_subscription.webhook', 'sub-gone'],
      ['sec-sub-web', 'alert_subscription.webhook', 'sub-web'],
    ]);
    expect(JSON.parse(secrets[1]!.value)).toEqual({ url, secret });
    const errors = await warehouse.all<{ last_error: string }>('SELECT last_error FROM alert_deliveries');
    expect(errors).toEqual([{ last_error: 'webhook https://hooks.example.com answered 500' }]);

    const subs = await listSubscriptions(warehouse);
    expect(subs.map((sub) => sub.subscription_id)).toEqual(['sub-mail', 'sub-web']);
    const web = subs.find((sub) => sub.subscription_id === 'sub-web')!;
    expect(web.spec.webhook).toEqual({ url, secret });
    expect(subs[0]!.spec.email).toEqual({ to: ['ops@example.com'] });

    const clock = new ManualClock(new Date());
    expect(
      await sendTest(web, {
        warehouse,
        clock,
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      }),
    ).toBe(true);
    expect(hook.received).toHaveLength(1);
    const { body, headers } = hook.received[0]!;
    const signed = {
      signature: String(headers[SIGNATURE_HEADER]),
      timestamp: String(headers[TIMESTAMP_HEADER]),
    };
    expect(verifySignature(secret, signed, body, clock.now())).toBe(true);
    expect(verifySignature('some-other-secret-value', signed, body, clock.now())).toBe(false);
  });

  it('new subscriptions store their credentials apart; unsubscribing forgets them', async () => {
    await applyMigrations(warehouse);
    const hook = await receiver();
    const created = await createSubscription(
      warehouse,
      {
        ...base,
        filter: { min_severity: 'info' },
        mode: 'immediate',
        throttle: { max: 20, window_minutes: 60 },
        name: 'fresh',
        channel: 'webhook',
        webhook: { url: `${hook.url}/hook/tok-fresh`, secret: 'fresh-secret-sixteen+' },
      },
      'tester',
      new Date(),
    );
    const row = await warehouse.one<{ spec: string }>(
      'SELECT spec::VARCHAR AS spec FROM alert_subscriptions',
    );
    expect(row!.spec).not.toContain('fresh-secret');
    expect(row!.spec).not.toContain('tok-fresh');
    expect((await listSubscriptions(warehouse))[0]!.spec.webhook).toEqual({
      url: `${hook.url}/hook/tok-fresh`,
      secret: 'fresh-secret-sixteen+',
    });
    expect(await deleteSubscription(warehouse, created.subscription_id)).toBe(true);
    expect(await warehouse.all('SELECT * FROM secrets')).toEqual([]);
    expect(await listSubscriptions(warehouse)).toEqual([]);
  });

  it('a webhook subscription whose credentials are gone dead-letters with a message that says so', async () => {
    await applyMigrations(warehouse);
    const created = await createSubscription(
      warehouse,
      {
        ...base,
        filter: { min_severity: 'info' },
        mode: 'immediate',
        throttle: { max: 20, window_minutes: 60 },
        name: 'orphan',
        channel: 'webhook',
        webhook: { url: 'http://127.0.0.1:9/hook', secret: 'orphan-secret-sixteen' },
      },
      null,
      new Date(),
    );
    await warehouse.run('DELETE FROM secrets');
    const [sub] = await listSubscriptions(warehouse);
    expect(sub!.subscription_id).toBe(created.subscription_id);
    expect(sub!.spec.webhook).toBeUndefined();
    const clock = new ManualClock(new Date());
    expect(
      await sendTest(sub!, { warehouse, clock, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
    ).toBe(false);
    const dead = await warehouse.one<{ last_error: string }>('SELECT last_error FROM alert_dead_letters');
    expect(dead!.last_error).toMatch(/webhook URL and secret of this subscription are missing/);
  });
});
