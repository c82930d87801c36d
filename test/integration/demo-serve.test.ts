import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-demo-serve-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm start path: demo --serve', () => {
  it('lands the data, builds the dashboards, prints an admin key once, serves both with it, and stops cleanly on SIGTERM', {
    timeout: 300_000,
  }, async () => {
    const db = path.join(dir, 'retailos.duckdb');
    const child = spawn(
      process.execPath,
      ['bin/retailos.js', 'demo', '--fixtures', '--serve', '--port', '0', '--db', db],
      {
        cwd: repoRoot,
        env: { ...process.env, RETAILOS_LOG_LEVEL: 'error', RETAILOS_DASHBOARDS_DIR: path.join(dir, 'site') },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
    });
    const key = /shown once, stored hashed\): (rk_\S+)/.exec(stdout)?.[1];
    expect(key).toBeDefined();

    const withKey = await fetch(`${url}/api/v1/rejects`, { headers: { authorization: `Bearer ${key}` } });
    expect(withKey.status).toBe(200);
    const withoutKey = await fetch(`${url}/api/v1/rejects`);
    expect(withoutKey.status).toBe(401);

    // The demo applied its events to the ledger before serving: positions are there at once.
    expect(stdout).toMatch(/Ledger: [\d,]+ events applied/);
    expect(stdout).toMatch(/Business clock: \S+, (watermark|wall) \(/);
    const positions = await fetch(`${url}/api/v1/positions?limit=5`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(positions.status).toBe(200);
    const body = (await positions.json()) as { data: { on_hand: number }[] };
    expect(body.data.length).toBeGreaterThan(0);

    // The first run built the dashboards; they are served behind the same keys.
    expect(stdout).toContain('/dashboards/');
    const dashboards = await fetch(`${url}/dashboards/`, { headers: { authorization: `Bearer ${key}` } });
    expect(dashboards.status).toBe(200);
    expect(await dashboards.text()).toContain('<html');
    const anonymous = await fetch(`${url}/dashboards/`, { redirect: 'manual' });
    expect([302, 303, 401]).toContain(anonymous.status);

    // Its web shop and marketplace are local stand-ins the server publishes to (docs/channels.md).
    expect(stdout).toContain('Sales channels (local stand-ins');
    let status: { channel_id: string; published: number }[] = [];
    for (let i = 0; i < 600 && !status.some((c) => c.channel_id === 'WEB' && c.published > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const reply = await fetch(`${url}/api/v1/channels/status`, {
        headers: { authorization: `Bearer ${key}` },
      });
      status = ((await reply.json()) as { data: typeof status }).data;
    }
    expect(status.find((c) => c.channel_id === 'WEB')?.published).toBeGreaterThan(0);
    expect(status.map((c) => c.channel_id).sort()).toEqual(['MKT-AMZ', 'WEB']);

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped');
  });
});
