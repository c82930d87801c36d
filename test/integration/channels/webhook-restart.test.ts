/**
 * A delivery answered 2xx is never lost: one stored but not yet mapped when the server stopped (a crash
 * between the two) is mapped when the server starts again, and one mapped but not yet marked (a crash after
 * its events landed) lands nothing twice.
 */
import { afterEach, expect, it } from 'vitest';
import { storeDelivery } from '../../../src/channels/inbound/deliveries.ts';
import { createFixture, type Fixture } from '../../unit/api/server-fixture.ts';
import { eventually, fixtureText, prepareChannels } from './support.ts';

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
