import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LeafCommand } from '../../src/cli/command.ts';
import { keysCommand } from '../../src/cli/commands/keys.ts';
import { serveCommand } from '../../src/cli/commands/serve.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { invokeCli } from '../helpers/cli.ts';
import { REPO_ROOT, useTempDir } from '../helpers/retailos.ts';
import { receiptEvent } from '../unit/api/server-fixture.ts';

const tmp = useTempDir();

async function keys(args: string[], db: string, values: Record<string, string> = {}) {
  const flags = Object.entries(values).flatMap(([name, value]) => [`--${name}`, value]);
  return invokeCli(keysCommand, [...args, '--db', db, ...flags]);
}

/** `retailos serve` in a child process (the command object, as main.ts will run it). */
function serve(db: string): {
  child: ChildProcess;
  url: Promise<string>;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const script = tmp.write(
    'serve.mts',
    `import { serveCommand } from ${JSON.stringify(path.join(REPO_ROOT, 'src/cli/commands/serve.ts'))};
import { invoke } from ${JSON.stringify(path.join(REPO_ROOT, 'src/cli/dispatch.ts'))};
process.exitCode = await invoke(serveCommand, ['--db', process.argv[2], '--port', '0'], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, db], {
    cwd: REPO_ROOT,
    env: { ...process.env, RETAILOS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
  });
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, stderr: () => stderr, exit };
}

describe('retailos keys', () => {
  it('create prints a key once, list shows it without the secret, revoke ends it', async () => {
    const db = tmp.join('w.duckdb');
    const created = await keys(['create'], db, { role: 'planner', name: 'Ana' });
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown only now/);
    const keyId = key.split('_')[1]!;
    const listed = await keys(['list'], db, { format: 'json' });
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({ key_id: keyId, name: 'Ana', role: 'planner', status: 'active' }),
    ]);
    expect(listed.stdout).not.toContain(key.slice(-43));
    expect((await keys(['revoke', keyId], db)).status).toBe(0);
    const after = JSON.parse((await keys(['list'], db, { format: 'json' })).stdout) as Record<
      string,
      unknown
    >[];
    expect(after[0]).toMatchObject({ key_id: keyId, status: 'revoked' });
    await expect(keys(['revoke', keyId], db)).rejects.toThrow(/No active key/);
    await expect(keys(['create'], db, { role: 'overlord', name: 'x' })).rejects.toThrow(
      /Unknown --role "overlord": use .*admin/,
    );
    await expect(keys(['create'], db, { role: 'admin' })).rejects.toThrow(/--name/);
  });

  it('serve is a registered-ready command with --port and --host', () => {
    expect(serveCommand.name).toBe('serve');
    expect(Object.keys((serveCommand as LeafCommand).options)).toEqual(
      expect.arrayContaining(['port', 'host']),
    );
    expect(keysCommand.name).toBe('keys');
  });
});

describe('retailos serve: graceful shutdown', () => {
  it('on SIGTERM finishes the request in flight, lands its events and closes the warehouse cleanly', async () => {
    const db = tmp.join('w.duckdb');
    const key = (await keys(['create'], db, { role: 'integration', name: 'shop' })).stdout.trim();
    const server = serve(db);
    try {
      const url = new URL(await server.url);
      expect(url.hostname).toBe('127.0.0.1');
      const events = Array.from({ length: 2000 }, (_, index) => receiptEvent(`drain-${index}`));
      const body = Buffer.from(JSON.stringify(events));
      // Send the headers and half the body, stop the server, then send the rest: the request is in flight.
      const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: '/api/v1/events',
            method: 'POST',
            headers: {
              authorization: `Bearer ${key}`,
              'content-type': 'application/json',
              'content-length': body.length,
            },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => {
              text += chunk.toString();
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          },
        );
        request.on('error', reject);
        request.write(body.subarray(0, body.length / 2));
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(() => request.end(body.subarray(body.length / 2)), 200);
        }, 300);
      });
      const answered = await reply;
      expect(answered.status, answered.body).toBe(200);
      expect(JSON.parse(answered.body)).toMatchObject({ accepted: 2000, rejected: 0 });
      expect(await server.exit).toBe(0);
      expect(server.stderr()).toMatch(/SIGTERM: finishing requests in flight/);
      expect(server.stderr()).toMatch(/retailos serve: stopped/);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
    // The lock is released and the WAL folded into the file (a clean DuckDB close).
    const wal = `${db}.wal`;
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    const warehouse = await Warehouse.open(db, { readOnly: true });
    try {
      const row = await warehouse.one<{ n: bigint }>(
        "SELECT count(*) AS n FROM events WHERE event_id LIKE 'drain-%'",
      );
      expect(Number(row?.n)).toBe(2000);
    } finally {
      await warehouse.close();
    }
  });
});

describe('retailos serve: start-up errors', () => {
  it('a port in use is a one-line user error, and the warehouse is released', async () => {
    const db = tmp.join('w.duckdb');
    await keys(['create'], db, { role: 'admin', name: 'a' });
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        invokeCli(serveCommand, ['--db', db, '--port', String(port)], { RETAILOS_LOG_LEVEL: 'silent' }),
      ).rejects.toThrow(/Cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      blocker.close();
    }
    const listed = await keys(['list'], db, { format: 'json' });
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });
});
