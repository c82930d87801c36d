/**
 * A delivery answered 2xx is never lost: one stored but not yet mapped when the server stopped (a crash
 * between the two) is mapped when the server starts again, and one mapped but not yet marked (a crash after
 * its events landed) lands nothing twice. And for real: a server process killed with SIGKILL right after its
 * last 200 maps every answered delivery once it runs again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { storeDelivery } from '../../../src/channels/inbound/deliveries.ts';
import { REPO_ROOT, runMain, useTempDir } from '../../helpers/retailos.ts';
import { createFixture, type Fixture } from '../../unit/api/server-fixture.ts';
import { eventually, fixtureText, prepareChannels, shopify } from './support.ts';

const tmp = useTempDir();

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

it('maps deliveries stored before a restart, and re-mapping lands nothing twice', async () => {
  fx = await createFixture({
    prepare: async (warehouse) => {
      await prepareChannels(warehouse);
      const connection = await warehouse.connect();
      try {
        for (const [id, receivedAt] of [
          ['stored-before-crash', new Date('2025-03-14T13:41:08Z')],
          ['stored-again', new Date('2025-03-14T13:41:09Z')],
        ] as const) {
          await storeDelivery(connection, {
            channelId: 'web',
            platform: 'shopify',
            deliveryId: id,
            topic: 'orders/create',
            body: fixtureText('shopify/orders-create.json'),
            status: 'pending',
            receivedAt,
          });
        }
      } finally {
        connection.closeSync();
      }
    },
    server: { operations: { enabled: false }, jobs: { enabled: false } },
  });
  const read = (sql: string) => fx!.server.context.readers.use((reader) => reader.all(sql, {}));
  const rows = await eventually(async () => {
    const found = await read(
      `SELECT delivery_id, status, events FROM channel_deliveries ORDER BY delivery_id`,
    );
    return found.every((row) => row.status === 'mapped') ? found : undefined;
  }, 'deliveries mapped after the restart');
  expect(rows.map((row) => [row.delivery_id, row.status])).toEqual([
    ['stored-again', 'mapped'],
    ['stored-before-crash', 'mapped'],
  ]);
  const placed = await read(`SELECT event_id, source_file FROM event_log WHERE type = 'order_placed'`);
  expect(placed).toEqual([
    { event_id: 'shopify:web:5731893117001:placed', source_file: 'shopify:web:stored-before-crash' },
  ]);
});

/** `retailos serve` in a child process, so it can be killed without any shutdown (kill -9). */
function serve(db: string): { child: ChildProcess; url: Promise<string>; exit: Promise<unknown> } {
  const script = tmp.write(
    `serve-${crypto.randomUUID()}.mts`,
    `import { serveCommand } from ${JSON.stringify(path.join(REPO_ROOT, 'src/cli/commands/serve.ts'))};
process.exitCode = await serveCommand.run(
  { values: { db: process.argv[2], port: '0' }, positionals: [] },
  { stdout: process.stdout, stderr: process.stderr, env: process.env },
);
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
  const exit = new Promise((resolve) => child.once('exit', resolve));
  return { child, url, exit };
}

it('a real server killed (-9) right after answering 200 loses none of those deliveries', async () => {
  const warehouse = await tmp.open();
  await prepareChannels(warehouse);
  await warehouse.close();
  const db = warehouse.path;
  const key = (
    await runMain(['keys', 'create', '--role', 'admin', '--name', 'test', '--db', db])
  ).stdout.trim();
  expect(key).toMatch(/^rk_/);

  const orders = Array.from({ length: 12 }, (_, i) => {
    const order = JSON.parse(fixtureText('shopify/orders-create.json'));
    order.id = 5731893120000 + i;
    order.name = `#${2000 + i}`;
    return order;
  });
  const first = serve(db);
  const answered: string[] = [];
  try {
    const url = await first.url;
    for (const order of orders) {
      const reply = await shopify(url, { topic: 'orders/create', body: JSON.stringify(order) });
      if (reply.status === 200) answered.push(order.name);
    }
  } finally {
    first.child.kill('SIGKILL'); // no shutdown: whatever was only answered, not mapped, must survive
  }
  await first.exit;
  expect(answered).toHaveLength(orders.length);

  const second = serve(db);
  try {
    const url = await second.url;
    const found = await eventually(async () => {
      const types: string[] = [];
      for (const name of answered) {
        const reply = await fetch(`${url}/api/v1/audit/external/${encodeURIComponent(name)}?channel_id=web`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = (await reply.json()) as { data?: { type: string }[] };
        types.push((body.data ?? []).map((row) => row.type).join(','));
      }
      return types.every((type) => type === 'order_placed') ? types : undefined;
    }, 'every answered delivery landed once after the restart');
    expect(found).toHaveLength(answered.length);
  } finally {
    second.child.kill('SIGTERM');
    await second.exit;
  }
});
