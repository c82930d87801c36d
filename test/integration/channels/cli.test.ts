/** retailos channels add|list|test|sync|status|remove against a loopback WooCommerce store. */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxWooCommerce } from '../../../src/channels/sandbox/woocommerce.ts';
import { runMain, STACK_FRAME, useTempDir } from '../../helpers/retailos.ts';
import { adjustment, land, masterData, receipt, skus } from './fixture.ts';

const dir = useTempDir();
let store: SandboxWooCommerce | undefined;
afterEach(async () => {
  await store?.stop();
  store = undefined;
});

describe('retailos channels', () => {
  it('adds a channel (credentials from the environment), tests, syncs, checks and fixes drift, shows status', async () => {
    const db = dir.join('warehouse.duckdb');
    const list = skus(3);
    const warehouse = await dir.open();
    await land(warehouse, dir, [
      ...masterData(list),
      receipt('DC', 'SKU-001', 6),
      receipt('ST-1', 'SKU-002', 2),
    ]);
    await warehouse.close();
    store = new SandboxWooCommerce({ consumerKey: 'ck_cli', consumerSecret: 'cs_cli_secret_value' }, list);
    await store.start();
    const env = { WOO_SECRET: 'cs_cli_secret_value' };

    const added = await runMain(
      [
        'channels',
        'add',
        'WEB',
        '--db',
        db,
        '--platform',
        'woocommerce',
        '--settings',
        JSON.stringify({ base_url: store.url, drift_check_minutes: 0 }),
        '--secret',
        'consumer_key=ck_cli',
        '--secret',
        'consumer_secret=@env:WOO_SECRET',
      ],
      env,
    );
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toContain('credentials stored: consumer_key, consumer_secret');

    const listed = await runMain(['channels', 'list', '--db', db, '--format', 'json']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).not.toContain('cs_cli_secret_value');
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({
      channel_id: 'WEB',
      platform: 'woocommerce',
      secrets_set: 'consumer_key consumer_secret',
    });

    const tested = await runMain(['channels', 'test', 'WEB', '--db', db]);
    expect(tested.status, tested.stderr).toBe(0);
    expect(tested.stdout).toContain('WEB: ok');

    const synced = await runMain(['channels', 'sync', 'WEB', '--db', db]);
    expect(synced.stdout).toContain('WEB: 3 published, 0 rejected');
    expect(list.map((sku) => store!.stockOf(sku))).toEqual([6, 2, 0]);

    store.editInAdmin('SKU-001', 40);
    const checked = await runMain(['channels', 'sync', 'WEB', '--db', db, '--check-drift']);
    expect(checked.stdout).toContain('1 drifting (1 new) — fix: retailos channels sync WEB --fix-drift');
    const fixed = await runMain(['channels', 'sync', 'WEB', '--db', db, '--fix-drift']);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(store.stockOf('SKU-001')).toBe(6);

    const again = await dir.open();
    await land(again, dir, [adjustment('DC', 'SKU-003', 5)]);
    await again.close();
    await runMain(['channels', 'sync', '--db', db]);
    expect(store.stockOf('SKU-003')).toBe(5);

    const status = await runMain(['channels', 'status', '--db', db, '--format', 'json']);
    const row = JSON.parse(status.stdout)[0];
    expect(row).toMatchObject({
      channel_id: 'WEB',
      platform: 'woocommerce',
      pending: 0,
      lag_seconds: 0,
      open_drift: 0,
      rejected: 0,
    });
    expect(row.published).toBe(5); // 3 first, the fix, SKU-003

    // the store down: the sync says so and exits 1; nothing is lost
    store.down = true;
    const later = await dir.open();
    await land(later, dir, [adjustment('DC', 'SKU-003', -2)]);
    await later.close();
    const failed = await runMain(['channels', 'sync', 'WEB', '--db', db]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/failed: .*503/);
    store.down = false;
    expect((await runMain(['channels', 'sync', 'WEB', '--db', db])).status).toBe(0);
    expect(store.stockOf('SKU-003')).toBe(3);

    expect((await runMain(['channels', 'remove', 'WEB', '--db', db])).status).toBe(0);
    expect(JSON.parse((await runMain(['channels', 'list', '--db', db, '--format', 'json'])).stdout)).toEqual(
      [],
    );
  }, 300_000);

  it('refuses bad input with one line, no stack trace', { timeout: 120_000 }, async () => {
    const db = dir.join('warehouse.duckdb');
    await (await dir.open()).close();
    for (const argv of [
      [
        'channels',
        'add',
        'WEB',
        '--db',
        db,
        '--platform',
        'shopify',
        '--settings',
        '{"shop_domain":"x.myshopify.com"}',
      ],
      ['channels', 'add', 'WEB', '--db', db, '--platform', 'webhook', '--settings', 'not json'],
      [
        'channels',
        'add',
        'WEB',
        '--db',
        db,
        '--platform',
        'webhook',
        '--settings',
        '{"url":"https://x.test"}',
        '--secret',
        'oops',
      ],
      [
        'channels',
        'add',
        'WEB',
        '--db',
        db,
        '--platform',
        'webhook',
        '--settings',
        '{"url":"https://x.test"}',
        '--secret',
        'signing_secret=@env:NOPE',
      ],
      ['channels', 'test', 'NOPE', '--db', db],
      ['channels', 'sync', '--db', db],
      ['channels', 'frobnicate', '--db', db],
    ]) {
      const result = await runMain(argv);
      expect(result.status, argv.join(' ')).not.toBe(0);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr.trim().length).toBeGreaterThan(0);
    }
  });
});
