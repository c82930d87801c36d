/**
 * The outbound sync of one channel: what it should show (sql/channels/wanted.sql) is compared with what it
 * has from us (channel_sync_state), and only the quantities that differ are pushed, one per (sku, location)
 * however many events changed it meanwhile (coalesced: the state is diffed, not a queue of events). Every
 * quantity a push ends with is a row of channel_publications: published, rejected (the channel refused this
 * item: not retried until the quantity changes), or dead_letter (the push kept failing: recorded for people,
 * still wanted, and caught up once the channel answers).
 *
 * Writes go through `exclusive` (the server's single writer); the HTTP exchange runs outside it, so a slow
 * or throttled channel never holds up ingest.
 */
import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { ChannelConnection } from '../connections.ts';
import { channelSql } from '../sql.ts';
import {
  ChannelRequestError,
  type ChannelTarget,
  chunks,
  type PushResult,
  type QuantityChange,
  TransientChannelError,
} from './target.ts';

export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;
export const direct: Exclusive = (work) => work();

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed pushes after which the pending quantities are dead-lettered (and retried at maxDelayMs). */
  deadLetterAfter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  deadLetterAfter: 6,
};

export type PublicationReason = 'sync' | 'fix_drift' | 'retry' | 'full';

export interface SyncOptions {
  exclusive?: Exclusive;
  reason?: PublicationReason;
  /** Quantities per run (the rest go in the next run). Default 20,000. */
  maxItems?: number;
  /** Push even while the channel is backing off (channels sync from the CLI). */
  force?: boolean;
  /** Also retry quantities the channel refused before. */
  retryRejected?: boolean;
  backoff?: BackoffPolicy;
  now?: () => Date;
}

export interface SyncReport {
  channelId: string;
  /** Quantities that differed from what the channel has. */
  pending: number;
  published: number;
  rejected: number;
  deadLettered: number;
  /** Set when the push failed (transient or refused as a whole). */
  error: string | null;
  /** The channel is backing off until then (null: not). */
  nextAttemptAt: Date | null;
  /** Skipped: still backing off. */
  skipped: boolean;
  /** Event accepted → channel updated, per published quantity whose origin is known (ms). */
  latenciesMs: number[];
  /** Quantities still differing after this run (more than maxItems, or failures). */
  remaining: number;
}

interface PendingRow {
  sku: string;
  location: string;
  node_id: string | null;
  quantity: bigint;
  previous: bigint | null;
  changed_at: Date | null;
  attempts: number;
  remote_id: string | null;
  parent_id: string | null;
}

interface Pending extends QuantityChange {
  previous: number | null;
  changedAt: Date | null;
  attempts: number;
}

/** The wanted quantities of a connection (its own platform's shape of locations). */
function wantedParams(connection: ChannelConnection): Record<string, string> {
  if (connection.platform === 'shopify') {
    const s = connection.settings;
    return {
      channel_id: connection.channelId,
      mode: s.publish,
      location: s.location_id ?? '',
      locations: JSON.stringify(
        Object.entries(s.locations).map(([node_id, location]) => ({ node_id, location })),
      ),
    };
  }
  return { channel_id: connection.channelId, mode: 'aggregate', location: '', locations: '[]' };
}

/**
 * Brings channel_sync_state up to date with what the channel should show now (the ledger as it stands),
 * with the latency origin of each new difference. Returns the ledger sequence it reflects.
 */
export async function refreshWanted(
  warehouse: Warehouse,
  connection: ChannelConnection,
  now: Date,
): Promise<number> {
  const channelId = connection.channelId;
  const marks = await warehouse.one<{ synced: bigint | null; ledger: bigint | null }>(
    `SELECT (SELECT synced_seq FROM channel_sync_status WHERE channel_id = $id) AS synced,
            (SELECT last_seq FROM ledger_watermark WHERE id = 1) AS ledger`,
    { id: channelId },
  );
  const from = Number(marks?.synced ?? 0);
  const to = Number(marks?.ledger ?? 0);
  await warehouse.run(
    `CREATE OR REPLACE TEMP TABLE cs_wanted AS ${channelSql('wanted')}`,
    wantedParams(connection),
  );
  // The first sync has no "since": its publications carry no latency origin.
  const windowed = from > 0 && to > from;
  await warehouse.run(
    `CREATE OR REPLACE TEMP TABLE cs_origin AS ${windowed ? channelSql('change_origins') : 'SELECT NULL::VARCHAR AS sku, NULL::TIMESTAMPTZ AS origin WHERE false'}`,
    windowed ? { from_seq: from, to_seq: to } : {},
  );
  const fallback = windowed
    ? await warehouse.one<{ origin: Date | null }>(
        'SELECT min(received_at) AS origin FROM event_log WHERE seq > $from AND seq <= $to',
        { from, to },
      )
    : undefined;
  await warehouse.run(
    `INSERT INTO channel_sync_state (channel_id, sku, location, node_id, wanted, changed_at)
     SELECT $id, w.sku, w.location, w.node_id, w.quantity, coalesce(o.origin, $fallback::TIMESTAMPTZ)
     FROM cs_wanted w LEFT JOIN cs_origin o USING (sku)
     ON CONFLICT (channel_id, sku, location) DO UPDATE SET
       node_id = excluded.node_id,
       changed_at = CASE
         WHEN excluded.wanted IS NOT DISTINCT FROM published THEN NULL
         WHEN excluded.wanted = wanted THEN changed_at
         ELSE coalesce(changed_at, excluded.changed_at) END,
       next_changed_at = CASE
         WHEN excluded.wanted IS NOT DISTINCT FROM published THEN NULL
         WHEN excluded.wanted <> wanted AND changed_at IS NOT NULL THEN coalesce(next_changed_at, excluded.changed_at)
         ELSE next_changed_at END,
       wanted = excluded.wanted`,
    { id: channelId, fallback: (fallback?.origin ?? (windowed ? now : null))?.toISOString() ?? null },
  );
  await warehouse.run(
    `INSERT INTO channel_sync_status (channel_id, synced_seq) VALUES ($id, $seq)
     ON CONFLICT (channel_id) DO UPDATE SET synced_seq = excluded.synced_seq`,
    { id: channelId, seq: to },
  );
  await warehouse.run('DROP TABLE IF EXISTS temp.cs_wanted');
  await warehouse.run('DROP TABLE IF EXISTS temp.cs_origin');
  return to;
}

async function pendingRows(
  warehouse: Warehouse,
  channelId: string,
  limit: number,
  retryRejected: boolean,
): Promise<{ rows: Pending[]; total: number }> {
  const filter = `s.channel_id = $id AND s.published IS DISTINCT FROM s.wanted
    ${retryRejected ? '' : 'AND s.rejected_quantity IS DISTINCT FROM s.wanted'}`;
  const rows = await warehouse.all<PendingRow>(
    `SELECT s.sku, s.location, s.node_id, s.wanted AS quantity, s.published AS previous, s.changed_at, s.attempts,
            i.remote_id, i.parent_id
     FROM channel_sync_state s LEFT JOIN channel_items i ON i.channel_id = s.channel_id AND i.sku = s.sku
     WHERE ${filter}
     ORDER BY s.changed_at NULLS LAST, s.sku, s.location LIMIT $limit`,
    { id: channelId, limit },
  );
  const total = await warehouse.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM channel_sync_state s WHERE ${filter}`,
    {
      id: channelId,
    },
  );
  return {
    rows: rows.map((r) => ({
      sku: r.sku,
      location: r.location,
      nodeId: r.node_id,
      quantity: Number(r.quantity),
      previous: r.previous === null ? null : Number(r.previous),
      changedAt: r.changed_at,
      attempts: r.attempts,
      remoteId: r.remote_id,
      parentId: r.parent_id,
    })),
    total: Number(total?.n ?? 0),
  };
}

/**
 * One run for one channel: refresh what it should show, push what differs (in the target's batch size),
 * record the outcome. A failed push leaves the quantities wanted and sets the channel's backoff.
 */
export async function syncChannel(
  warehouse: Warehouse,
  connection: ChannelConnection,
  target: ChannelTarget,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const exclusive = options.exclusive ?? direct;
  const now = options.now ?? (() => new Date());
  const channelId = connection.channelId;
  const report: SyncReport = {
    channelId,
    pending: 0,
    published: 0,
    rejected: 0,
    deadLettered: 0,
    error: null,
    nextAttemptAt: null,
    skipped: false,
    latenciesMs: [],
    remaining: 0,
  };
  const { rows, total, backingOff } = await exclusive(async () => {
    const status = await warehouse.one<{ next_attempt_at: Date | null }>(
      'SELECT next_attempt_at FROM channel_sync_status WHERE channel_id = $id',
      { id: channelId },
    );
    await refreshWanted(warehouse, connection, now());
    const next = status?.next_attempt_at ?? null;
    const backingOff = !options.force && next !== null && next.getTime() > now().getTime() ? next : null;
    const pending = await pendingRows(
      warehouse,
      channelId,
      options.maxItems ?? 20_000,
      options.retryRejected ?? false,
    );
    return { ...pending, backingOff };
  });
  report.pending = total;
  if (backingOff) {
    report.skipped = true;
    report.nextAttemptAt = backingOff;
    report.remaining = total;
    return report;
  }
  if (rows.length === 0) return report;

  // Items the platform addresses by its own id: look up the skus it has not told us yet.
  const unknown: { change: Pending; error: string }[] = [];
  let ready = rows;
  try {
    if (target.needsRemoteIds) {
      const missing = [...new Set(rows.filter((r) => r.remoteId === null).map((r) => r.sku))];
      if (missing.length > 0) {
        const found = await target.lookup(missing);
        const at = now().toISOString();
        if (found.length > 0)
          await exclusive(() =>
            warehouse.run(
              `INSERT OR REPLACE INTO channel_items
               SELECT $id, sku, remote_id, parent_id, $at::TIMESTAMPTZ
               FROM (SELECT unnest(from_json($items, '[{"sku":"VARCHAR","remote_id":"VARCHAR","parent_id":"VARCHAR"}]'), recursive := true))`,
              {
                id: channelId,
                at,
                items: JSON.stringify(
                  found.map((f) => ({ sku: f.sku, remote_id: f.remoteId, parent_id: f.parentId })),
                ),
              },
            ),
          );
        const bySku = new Map(found.map((f) => [f.sku, f]));
        for (const row of rows) {
          const item = row.remoteId === null ? bySku.get(row.sku) : undefined;
          if (item) {
            row.remoteId = item.remoteId;
            row.parentId = item.parentId;
          }
        }
      }
      ready = rows.filter((r) => r.remoteId !== null);
      for (const row of rows)
        if (row.remoteId === null)
          unknown.push({ change: row, error: `sku ${row.sku} is not listed on the channel` });
    }
  } catch (error) {
    return fail(warehouse, exclusive, report, rows, error, options, now);
  }

  const batchId = `pub-${randomUUID()}`;
  const outcome: { published: Pending[]; rejected: { change: Pending; error: string }[] } = {
    published: [],
    rejected: [...unknown],
  };
  let failure: unknown = null;
  let unsent: Pending[] = [];
  const batches = chunks(ready, target.maxBatch);
  for (let index = 0; index < batches.length; index++) {
    const batch = batches[index]!;
    try {
      const result: PushResult = await target.push(batch, `${batchId}-${index + 1}`);
      outcome.published.push(...(result.published as Pending[]));
      outcome.rejected.push(...(result.rejected as { change: Pending; error: string }[]));
    } catch (error) {
      if (error instanceof ChannelRequestError && batch.length > 0 && !isCredentialError(error)) {
        // The platform refused the request as such (a 4xx about its content): these items are refused.
        outcome.rejected.push(...batch.map((change) => ({ change, error: error.message })));
        continue;
      }
      failure = error;
      unsent = batches.slice(index).flat();
      break;
    }
  }
  await record(warehouse, exclusive, channelId, batchId, outcome, options.reason ?? 'sync', now(), report);
  if (failure !== null) return fail(warehouse, exclusive, report, unsent, failure, options, now);
  await exclusive(() =>
    warehouse.run(
      `UPDATE channel_sync_status SET last_attempt_at = $now::TIMESTAMPTZ, last_success_at = $now::TIMESTAMPTZ,
         failing_since = NULL, consecutive_failures = 0, next_attempt_at = NULL, last_error = NULL
       WHERE channel_id = $id`,
      { id: channelId, now: now().toISOString() },
    ),
  );
  report.remaining = Math.max(0, total - outcome.published.length - outcome.rejected.length);
  return report;
}

function isCredentialError(error: ChannelRequestError): boolean {
  return error.status === null; // a refusal without a status is about the whole exchange, not the items
}

/** Writes the publications of one push and moves the sync state on. */
async function record(
  warehouse: Warehouse,
  exclusive: Exclusive,
  channelId: string,
  batchId: string,
  outcome: { published: Pending[]; rejected: { change: Pending; error: string }[] },
  reason: PublicationReason,
  at: Date,
  report: SyncReport,
): Promise<void> {
  const rows = [
    ...outcome.published.map((change) => publicationRow(change, 'published', null, at)),
    ...outcome.rejected.map(({ change, error }) => publicationRow(change, 'rejected', error, at)),
  ];
  report.published += outcome.published.length;
  report.rejected += outcome.rejected.length;
  for (const change of outcome.published)
    if (change.changedAt) report.latenciesMs.push(Math.max(0, at.getTime() - change.changedAt.getTime()));
  if (rows.length === 0) return;
  await exclusive(() =>
    warehouse.transaction(async () => {
      await insertPublications(warehouse, channelId, batchId, reason, rows);
      await warehouse.run(
        `UPDATE channel_sync_state s SET
           published = CASE WHEN r.outcome = 'published' THEN r.quantity ELSE s.published END,
           published_at = CASE WHEN r.outcome = 'published' THEN r.published_at::TIMESTAMPTZ ELSE s.published_at END,
           rejected_quantity = CASE WHEN r.outcome = 'rejected' THEN r.quantity ELSE NULL END,
           last_error = r.error,
           attempts = 0,
           changed_at = CASE WHEN s.wanted = r.quantity THEN NULL ELSE coalesce(s.next_changed_at, r.published_at::TIMESTAMPTZ) END,
           next_changed_at = NULL
         FROM (SELECT unnest(from_json($rows, '[${ROW_SHAPE}]'), recursive := true)) r
         WHERE s.channel_id = $id AND s.sku = r.sku AND s.location = r.location`,
        { id: channelId, rows: JSON.stringify(rows) },
      );
    }),
  );
}

const ROW_SHAPE = JSON.stringify({
  sku: 'VARCHAR',
  location: 'VARCHAR',
  node_id: 'VARCHAR',
  quantity: 'BIGINT',
  previous_quantity: 'BIGINT',
  published_at: 'VARCHAR',
  outcome: 'VARCHAR',
  attempts: 'INTEGER',
  accepted_at: 'VARCHAR',
  latency_ms: 'DOUBLE',
  error: 'VARCHAR',
});

interface PublicationRow {
  sku: string;
  location: string;
  node_id: string | null;
  quantity: number;
  previous_quantity: number | null;
  published_at: string;
  outcome: 'published' | 'rejected' | 'dead_letter';
  attempts: number;
  accepted_at: string | null;
  latency_ms: number | null;
  error: string | null;
}

function publicationRow(
  change: Pending,
  outcome: PublicationRow['outcome'],
  error: string | null,
  at: Date,
): PublicationRow {
  return {
    sku: change.sku,
    location: change.location,
    node_id: change.nodeId,
    quantity: change.quantity,
    previous_quantity: change.previous,
    published_at: at.toISOString(),
    outcome,
    attempts: change.attempts + 1,
    accepted_at: change.changedAt?.toISOString() ?? null,
    latency_ms:
      change.changedAt && outcome === 'published'
        ? Math.max(0, at.getTime() - change.changedAt.getTime())
        : null,
    error,
  };
}

async function insertPublications(
  warehouse: Warehouse,
  channelId: string,
  batchId: string,
  reason: PublicationReason,
  rows: PublicationRow[],
): Promise<void> {
  await warehouse.run(
    `INSERT INTO channel_publications (channel_id, sku, location, node_id, quantity, previous_quantity, published_at,
       outcome, attempts, accepted_at, latency_ms, batch_id, reason, error)
     SELECT $id, sku, location, node_id, quantity, previous_quantity, published_at::TIMESTAMPTZ, outcome, attempts,
            accepted_at::TIMESTAMPTZ, latency_ms, $batch, $reason, error
     FROM (SELECT unnest(from_json($rows, '[${ROW_SHAPE}]'), recursive := true))`,
    { id: channelId, batch: batchId, reason, rows: JSON.stringify(rows) },
  );
}

/** A push that failed: count it, back off, and dead-letter what keeps failing. */
async function fail(
  warehouse: Warehouse,
  exclusive: Exclusive,
  report: SyncReport,
  unsent: Pending[],
  error: unknown,
  options: SyncOptions,
  now: () => Date,
): Promise<SyncReport> {
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const message = error instanceof Error ? error.message : String(error);
  const retryAfter = error instanceof TransientChannelError ? error.retryAfterMs : null;
  report.error = message;
  report.remaining = report.pending - report.published - report.rejected;
  const at = now();
  await exclusive(() =>
    warehouse.transaction(async () => {
      const status = await warehouse.one<{ n: number }>(
        `UPDATE channel_sync_status SET consecutive_failures = consecutive_failures + 1,
           failing_since = coalesce(failing_since, $now::TIMESTAMPTZ), last_attempt_at = $now::TIMESTAMPTZ,
           last_error = $error
         WHERE channel_id = $id RETURNING consecutive_failures AS n`,
        { id: report.channelId, now: at.toISOString(), error: message },
      );
      const failures = status?.n ?? 1;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
      const delay =
        retryAfter === null ? backoff : Math.min(policy.maxDelayMs, Math.max(retryAfter, policy.baseDelayMs));
      report.nextAttemptAt = new Date(at.getTime() + delay);
      await warehouse.run(
        'UPDATE channel_sync_status SET next_attempt_at = $next::TIMESTAMPTZ WHERE channel_id = $id',
        {
          id: report.channelId,
          next: report.nextAttemptAt.toISOString(),
        },
      );
      await warehouse.run(
        `UPDATE channel_sync_state SET attempts = attempts + 1, last_error = $error
         WHERE channel_id = $id AND published IS DISTINCT FROM wanted`,
        { id: report.channelId, error: message },
      );
      // Once per failing streak: the quantities it could not deliver are recorded as dead letters. They stay
      // wanted: the next successful push publishes them (nothing is lost).
      if (failures === policy.deadLetterAfter && unsent.length > 0) {
        const rows = unsent.map((change) => ({
          ...publicationRow({ ...change, attempts: failures - 1 }, 'dead_letter', message, at),
        }));
        await insertPublications(
          warehouse,
          report.channelId,
          `dead-${randomUUID()}`,
          options.reason ?? 'sync',
          rows,
        );
        report.deadLettered = rows.length;
      }
    }),
  );
  return report;
}
