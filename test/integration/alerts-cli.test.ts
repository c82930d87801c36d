import { describe, expect, it } from 'vitest';
import { runMain, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

describe('retailos alerts', () => {
  it('rules, subscribe (validated), subscriptions, run, list, unsubscribe', async () => {
    const db = tmp.join('w.duckdb');
    expect((await runMain(['init', '--db', db])).status).toBe(0);
    const rules = await runMain(['alerts', 'rules', '--format', 'json']);
    expect(rules.status).toBe(0);
    expect(JSON.parse(rules.stdout).map((r: { kind: string }) => r.kind)).toEqual([
      'low_stock',
      'delayed_inbound',
      'inventory_mismatch',
      'fulfilment_backlog',
      'allocation_failures',
      'anomaly',
    ]);
    const bad = await runMain([
      'alerts',
      'subscribe',
      '--name',
      'x',
      '--webhook',
      'http://127.0.0.1:9/h',
      '--secret',
      'short',
      '--db',
      db,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/webhook\.secret/);
    const ok = await runMain([
      'alerts',
      'subscribe',
      '--name',
      'dc',
      '--email',
      'dc@shop.test',
      '--digest',
      '--quiet',
      '22:00-07:00',
      '--db',
      db,
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    const id = /Subscribed: (\S+)/.exec(ok.stdout)![1]!;
    const subs = await runMain(['alerts', 'subscriptions', '--format', 'json', '--db', db]);
    expect(JSON.parse(subs.stdout)).toMatchObject([
      { subscription_id: id, channel: 'email', mode: 'digest' },
    ]);
    const run = await runMain(['alerts', 'run', '--detect', '--db', db]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Alerts as of .*: 0 open/);
    const list = await runMain(['alerts', 'list', '--format', 'json', '--db', db]);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect((await runMain(['alerts', 'unsubscribe', id, '--db', db])).status).toBe(0);
    const again = await runMain(['alerts', 'unsubscribe', id, '--db', db]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/No subscription/);
    expect((await runMain(['alerts', 'nonsense', '--db', db])).status).toBe(2);
  });
});
