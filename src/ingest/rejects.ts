import { once } from 'node:events';
import fs from 'node:fs';
import { decodeUtf8 } from '../contracts/unicode.ts';
import { UserError } from '../warehouse/errors.ts';
import { EventLander, type StagedEvent, toColumns } from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { isReject, stageItem } from './stage.ts';

export type RejectStatus = 'open' | 'resolved' | 'all';

export interface RejectRow {
  reject_id: number;
  received_at: Date;
  source_file: string | null;
  source_line: number | null;
  event_id: string | null;
  type: string | null;
  /**
   * unreadable | invalid | conflict | forbidden (refused by the approval policy to the key that sent it) |
   * quarantined (a landed event the ledger cannot apply)
   */
  reason: string;
  errors: { path: string; code: string; message: string }[];
  raw: string;
  status: string;
  resolution: string | null;
}

export interface RejectFilter {
  status?: RejectStatus;
  ids?: number[];
  limit?: number;
}

export async function listRejects(warehouse: Warehouse, filter: RejectFilter = {}): Promise<RejectRow[]> {
  const status = filter.status ?? 'open';
  const rows = await warehouse.all<Record<string, unknown>>(
    `SELECT reject_id, received_at, source_file, source_line, event_id, type, reason, errors::VARCHAR AS errors,
            raw, status, resolution
     FROM rejected_events
     WHERE ($status = 'all' OR status = $status)
       AND ($ids::BIGINT[] IS NULL OR list_contains($ids::BIGINT[], reject_id))
     ORDER BY reject_id
     LIMIT $limit`,
    {
      status,
      ids: filter.ids ? `[${filter.ids.join(',')}]` : null,
      limit: filter.limit ?? 1_000_000_000,
    },
  );
  return rows.map((row) => ({
    ...(row as unknown as RejectRow),
    reject_id: Number(row.reject_id),
    source_line: row.source_line === null ? null : Number(row.source_line),
    errors: JSON.parse(row.errors as string),
  }));
}

/** The rejected input as an object to correct, or the raw text when it was not JSON. */
export function rejectInput(row: Pick<RejectRow, 'raw'>): unknown {
  try {
    return JSON.parse(row.raw);
  } catch {
    return row.raw;
  }
}

/**
 * Writes rejects as JSON Lines, one per reject: where it came from, why it
 * failed, and `input`, the event to correct. Correct `input` in place and
 * feed the file to `retailos rejects retry --from FILE`.
 */
export async function exportRejects(
  warehouse: Warehouse,
  out: NodeJS.WritableStream,
  filter: RejectFilter = {},
): Promise<number> {
  const rows = await listRejects(warehouse, filter);
  for (const row of rows) {
    const line = JSON.stringify({
      reject_id: row.reject_id,
      source_file: row.source_file,
      source_line: row.source_line,
      reason: row.reason,
      errors: row.errors,
      input: rejectInput(row),
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  return rows.length;
}

/** Reads a corrected export: reject_id → corrected input. */
export function readCorrections(file: string): Map<number, unknown> {
  if (!fs.existsSync(file)) throw new UserError(`No such file: ${file}`);
  const corrections = new Map<number, unknown>();
  const decoded = decodeUtf8(fs.readFileSync(file));
  if (!decoded.ok) throw new UserError(`${file}: not valid UTF-8 (${decoded.problem.message})`);
  decoded.text.split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    let entry: { reject_id?: unknown; input?: unknown };
    try {
      entry = JSON.parse(text);
    } catch {
      throw new UserError(`${file}:${index + 1}: not valid JSON`);
    }
    if (typeof entry.reject_id !== 'number' || !('input' in entry)) {
      throw new UserError(
        `${file}:${index + 1}: expected {"reject_id": N, "input": {…}} as written by rejects export`,
      );
    }
    corrections.set(entry.reject_id, entry.input);
  });
  return corrections;
}

export interface RetryOutcome {
  retried: number;
  resolved: number;
  stillRejected: number;
  conflicts: number;
}

/**
 * Re-submits open rejects, as stored or as corrected (`corrections`). An input
 * that now validates lands like any other event and its reject is resolved;
 * one that still fails keeps its reject open with the new errors.
 * Quarantined events are skipped: they are in the log already (their id is
 * taken), so a correction is a new event with a new event_id. Forbidden
 * events (refused by the approval policy, docs/workflow.md "Raw events") are
 * retried only when named in `filter.ids`: landing one bypasses the approval
 * it needed, a decision an operator takes per event, never by retrying all.
 */
export async function retryRejects(
  warehouse: Warehouse,
  filter: RejectFilter,
  corrections?: Map<number, unknown>,
): Promise<RetryOutcome> {
  const ids = filter.ids ?? (corrections ? [...corrections.keys()] : undefined);
  const named = new Set(filter.ids ?? []);
  const rows = (await listRejects(warehouse, { ...filter, status: 'open', ...(ids ? { ids } : {}) })).filter(
    (row) => row.reason !== 'quarantined' && (row.reason !== 'forbidden' || named.has(row.reject_id)),
  );
  const staged: { rejectId: number; event: StagedEvent }[] = [];
  let stillRejected = 0;
  for (const row of rows) {
    const corrected = corrections?.get(row.reject_id);
    const value = corrected !== undefined ? corrected : undefined;
    const raw = value !== undefined ? JSON.stringify(value) : row.raw;
    const result = stageItem({ raw, value, line: row.source_line ?? undefined });
    if (isReject(result)) {
      stillRejected++;
      // The original input stays as it was received; only the latest errors are kept.
      await warehouse.run('UPDATE rejected_events SET errors = $errors::JSON WHERE reject_id = $id', {
        errors: JSON.stringify(result.errors),
        id: row.reject_id,
      });
    } else {
      staged.push({ rejectId: row.reject_id, event: result });
    }
  }
  let resolved = 0;
  if (staged.length > 0) {
    const lander = new EventLander(warehouse);
    await lander.land(
      { kind: 'retry', name: 'rejects retry' },
      [toColumns(staged.map((item) => item.event))],
      [],
      false,
    );
    for (const { rejectId, event } of staged) {
      const landed = await warehouse.one<{ seq: bigint; same: boolean }>(
        'SELECT seq, payload::VARCHAR = $payload AS same FROM event_log WHERE event_id = $id',
        { id: event.eventId, payload: event.payload },
      );
      if (landed?.same) {
        await warehouse.run(
          `UPDATE rejected_events SET status = 'resolved', resolved_at = now(),
             resolution = 'accepted on retry as seq ' || $seq WHERE reject_id = $id`,
          { seq: landed.seq, id: rejectId },
        );
        resolved++;
      }
    }
  }
  return { retried: rows.length, resolved, stillRejected, conflicts: staged.length - resolved };
}
