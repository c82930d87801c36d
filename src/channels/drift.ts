/**
 * Drift: what a channel shows that differs from what we last published to it (someone edited the stock in
 * the channel's admin, another app wrote to it). A check reads the channel back (Shopify inventory levels,
 * WooCommerce stock) and keeps one `channel_drift` row per episode: open while the channel shows something
 * else, resolved when it shows ours again (`matched`) or after a fix (`fixed`: we push ours again,
 * `retailos channels sync CHANNEL --fix-drift`). Open episodes are exceptions of type `channel_drift`
 * (sql/marts/channel_drift_exceptions.sql).
 */
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { ChannelConnection } from './connections.ts';
import { direct, type Exclusive, type SyncReport, syncChannel } from './outbound/sync.ts';
import type { ChannelTarget, QuantityChange } from './outbound/target.ts';

export interface DriftReport {
  channelId: string;
  /** False when the platform has no read API (Amazon feeds, a generic webhook). */
  supported: boolean;
  checked: number;
  /** Open episodes after the check (new or still drifting). */
  drifting: number;
  opened: number;
  cleared: number;
}

interface PublishedRow {
  sku: string;
  location: string;
  node_id: string | null;
  published: bigint;
  remote_id: string | null;
  parent_id: string | null;
}

export async function checkDrift(
  warehouse: Warehouse,
  connection: ChannelConnection,
  target: ChannelTarget,
  options: { exclusive?: Exclusive; now?: Date } = {},
): Promise<DriftReport> {
  const exclusive = options.exclusive ?? direct;
  const report: DriftReport = {
    channelId: connection.channelId,
    supported: target.readBack !== undefined,
    checked: 0,
    drifting: 0,
    opened: 0,
    cleared: 0,
  };
  if (!target.readBack) return report;
  const rows = await exclusive(() =>
    warehouse.all<PublishedRow>(
      `SELECT s.sku, s.location, s.node_id, s.published, i.remote_id, i.parent_id
       FROM channel_sync_state s LEFT JOIN channel_items i ON i.channel_id = s.channel_id AND i.sku = s.sku
       WHERE s.channel_id = $id AND s.published IS NOT NULL
         AND (i.remote_id IS NOT NULL OR NOT $needs_ids)`,
      { id: connection.channelId, needs_ids: target.needsRemoteIds },
    ),
  );
  const items: QuantityChange[] = rows.map((r) => ({
    sku: r.sku,
    location: r.location,
    nodeId: r.node_id,
    quantity: Number(r.published),
    remoteId: r.remote_id,
    parentId: r.parent_id,
  }));
  const observed = items.length > 0 ? await target.readBack(items) : [];
  report.checked = observed.length;
  const now = (options.now ?? new Date()).toISOString();
  const readings = observed.map((o) => ({ sku: o.sku, location: o.location, observed: o.quantity }));
  await exclusive(() =>
    warehouse.transaction(async () => {
      await warehouse.run(
        `CREATE OR REPLACE TEMP TABLE cd_seen AS
         SELECT r.sku, r.location, r.observed, s.published
         FROM (SELECT unnest(from_json($rows, '[{"sku":"VARCHAR","location":"VARCHAR","observed":"BIGINT"}]'), recursive := true)) r
         JOIN channel_sync_state s ON s.channel_id = $id AND s.sku = r.sku AND s.location = r.location`,
        { id: connection.channelId, rows: JSON.stringify(readings) },
      );
      const cleared = await warehouse.all(
        `UPDATE channel_drift d SET status = 'resolved', cleared_at = $now::TIMESTAMPTZ, resolution = 'matched'
         FROM cd_seen c
         WHERE d.channel_id = $id AND d.status = 'open' AND d.sku = c.sku AND d.location = c.location
           AND c.observed IS NOT DISTINCT FROM c.published
         RETURNING d.drift_id`,
        { id: connection.channelId, now },
      );
      report.cleared = cleared.length;
      await warehouse.run(
        `UPDATE channel_drift d SET observed = c.observed, published = c.published, last_seen_at = $now::TIMESTAMPTZ
         FROM cd_seen c
         WHERE d.channel_id = $id AND d.status = 'open' AND d.sku = c.sku AND d.location = c.location
           AND c.observed IS DISTINCT FROM c.published`,
        { id: connection.channelId, now },
      );
      const opened = await warehouse.all(
        `INSERT INTO channel_drift (channel_id, sku, location, published, observed, detected_at, last_seen_at, status)
         SELECT $id, c.sku, c.location, c.published, c.observed, $now::TIMESTAMPTZ, $now::TIMESTAMPTZ, 'open'
         FROM cd_seen c
         WHERE c.observed IS DISTINCT FROM c.published
           AND NOT EXISTS (SELECT 1 FROM channel_drift d WHERE d.channel_id = $id AND d.status = 'open'
                           AND d.sku = c.sku AND d.location = c.location)
         RETURNING drift_id`,
        { id: connection.channelId, now },
      );
      report.opened = opened.length;
      await warehouse.run('DROP TABLE IF EXISTS temp.cd_seen');
      await warehouse.run(
        `INSERT INTO channel_sync_status (channel_id, last_drift_check_at) VALUES ($id, $now::TIMESTAMPTZ)
         ON CONFLICT (channel_id) DO UPDATE SET last_drift_check_at = excluded.last_drift_check_at`,
        { id: connection.channelId, now },
      );
      const open = await warehouse.one<{ n: bigint }>(
        "SELECT count(*) AS n FROM channel_drift WHERE channel_id = $id AND status = 'open'",
        { id: connection.channelId },
      );
      report.drifting = Number(open?.n ?? 0);
    }),
  );
  return report;
}

/**
 * Puts our quantities back where the channel drifted: the drifted items are marked as holding what the
 * channel showed, pushed again (publications with reason fix_drift), and their episodes resolved as fixed
 * once the channel accepted ours.
 */
export async function fixDrift(
  warehouse: Warehouse,
  connection: ChannelConnection,
  target: ChannelTarget,
  options: { exclusive?: Exclusive; now?: () => Date } = {},
): Promise<{ drift: DriftReport; sync: SyncReport }> {
  const exclusive = options.exclusive ?? direct;
  const drift = await checkDrift(warehouse, connection, target, { exclusive, now: options.now?.() });
  await exclusive(() =>
    warehouse.run(
      `UPDATE channel_sync_state s SET published = coalesce(d.observed, -1), rejected_quantity = NULL
       FROM channel_drift d
       WHERE d.channel_id = $id AND d.status = 'open' AND s.channel_id = d.channel_id AND s.sku = d.sku
         AND s.location = d.location`,
      { id: connection.channelId },
    ),
  );
  const sync = await syncChannel(warehouse, connection, target, {
    exclusive,
    reason: 'fix_drift',
    force: true,
    now: options.now,
  });
  await exclusive(() =>
    warehouse.run(
      `UPDATE channel_drift d SET status = 'resolved', cleared_at = s.published_at, resolution = 'fixed'
       FROM channel_sync_state s
       WHERE d.channel_id = $id AND d.status = 'open' AND s.channel_id = d.channel_id AND s.sku = d.sku
         AND s.location = d.location AND s.published = s.wanted AND s.published_at >= d.last_seen_at`,
      { id: connection.channelId },
    ),
  );
  return { drift, sync };
}
