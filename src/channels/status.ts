/** Where each channel's outbound sync stands: last publication, lag, latency, failures, drift. */
import { toJsonValue } from '../format/rows.ts';
import type { SqlReader } from './connections.ts';
import { channelSql } from './sql.ts';

export interface ChannelStatus {
  channel_id: string;
  platform: string;
  enabled: boolean;
  last_published_at: string | null;
  published: number;
  rejected: number;
  dead_letters: number;
  pending: number;
  lag_seconds: number;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  last_success_at: string | null;
  consecutive_failures: number | null;
  failing_since: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  open_drift: number;
  last_drift_check_at: string | null;
}

export async function channelStatus(db: SqlReader, now = new Date()): Promise<ChannelStatus[]> {
  const rows = await db.all(channelSql('status'), { now: now.toISOString() });
  return rows.map((row) => toJsonValue(row) as unknown as ChannelStatus);
}
