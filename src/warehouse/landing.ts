import type { DuckDBAppender } from '@duckdb/node-api';
import { toEpochMicros } from '../contracts/time.ts';
import type { Warehouse } from './warehouse.ts';

/** One valid event ready to land: the envelope columns plus its canonical JSON. */
export interface StagedEvent {
  eventId: string;
  type: string;
  /** Business time as microseconds since the epoch (exact in a double until year 2255). */
  occurredUs: number;
  payload: string;
  source?: string | undefined;
  actor?: string | undefined;
  line?: number | undefined;
}

/**
 * Staged events column by column: how batches travel from staging workers
 * to the appender without building an object per event. `line` is NaN when
 * unknown; `source`/`actor` are null when absent.
 */
export interface EventColumns {
  eventId: string[];
  type: string[];
  occurredUs: Float64Array | number[];
  payload: string[];
  source: (string | null)[];
  actor: (string | null)[];
  line: Float64Array | number[];
  /** Where this chunk came from when it differs from the batch's source (an HTTP request id in a coalesced batch). */
  sourceName?: string | undefined;
}

export interface IssueRecord {
  path: string;
  code: string;
  message: string;
}

/**
 * One input that failed before landing (unreadable, invalid, a conflicting repeat, or an event the approval
 * policy refused to the key that sent it: docs/workflow.md "Raw events").
 */
export interface StagedReject {
  reason: 'unreadable' | 'invalid' | 'conflict' | 'forbidden';
  raw: string;
  errors: IssueRecord[];
  eventId?: string | undefined;
  type?: string | undefined;
  line?: number | undefined;
  /** Where this input came from when it differs from the batch's source (see `EventColumns.sourceName`). */
  sourceName?: string | undefined;
}

/** Column form of staged events (for callers that hold objects). */
export function toColumns(events: readonly StagedEvent[]): EventColumns {
  const columns = emptyColumns();
  for (const event of events) pushEvent(columns, event);
  return columns;
}

export function emptyColumns(): EventColumns {
  return { eventId: [], type: [], occurredUs: [], payload: [], source: [], actor: [], line: [] };
}

export function pushEvent(columns: EventColumns, event: StagedEvent): void {
  columns.eventId.push(event.eventId);
  columns.type.push(event.type);
  (columns.occurredUs as number[]).push(event.occurredUs);
  columns.payload.push(event.payload);
  columns.source.push(event.source ?? null);
  columns.actor.push(event.actor ?? null);
  (columns.line as number[]).push(event.line ?? Number.NaN);
}

export interface BatchSource {
  kind: 'file' | 'stdin' | 'http' | 'retry';
  /** File path, request id, … */
  name?: string | undefined;
}

export interface BatchOutcome {
  batchId: number;
  accepted: number;
  duplicates: number;
  /** Invalid, unreadable and conflicting inputs of this batch (conflicts included). */
  rejected: number;
  conflicts: number;
  /** The `seq` of every accepted event of this batch, in arrival order. */
  firstSeq: number | null;
  lastSeq: number | null;
  /**
   * With `{ rowOutcomes: true }`: the outcome of every event row of the batch, chunk after chunk in order
   * (`ROW_ACCEPTED`, `ROW_DUPLICATE` or `ROW_CONFLICT`). Accepted rows got `firstSeq`, `firstSeq + 1`, … in order.
   */
  rows?: Uint8Array;
}

export const ROW_ACCEPTED = 0;
export const ROW_DUPLICATE = 1;
export const ROW_CONFLICT = 2;

export interface LandOptions {
  /** Report the outcome of each event row (`BatchOutcome.rows`). */
  rowOutcomes?: boolean;
}

/**
 * Lands batches of events atomically and idempotently.
 *
 * Repeats inside a batch are settled in memory (same canonical body: a
 * duplicate; different: a conflict). The batch's unique events are appended
 * to a connection-local temp table, and set-based SQL inside one transaction
 * finds ids that already landed (duplicate or conflict, by body), inserts the
 * rest into `event_log` with the next arrival sequence numbers, and records
 * rejects and the batch itself. A crash leaves either the whole batch or
 * nothing, and re-sending the same input never duplicates anything.
 */
export class EventLander {
  private prepared = false;

  constructor(private readonly warehouse: Warehouse) {}

  private async prepare(): Promise<void> {
    if (this.prepared) return;
    await this.warehouse.run(`
      CREATE OR REPLACE TEMP TABLE stage_events (
        pos INTEGER, event_id VARCHAR, type VARCHAR, occurred_us DOUBLE, payload VARCHAR,
        source VARCHAR, actor VARCHAR, line DOUBLE, source_name VARCHAR);
      CREATE OR REPLACE TEMP TABLE stage_rejects (
        pos INTEGER, reason VARCHAR, raw VARCHAR, errors VARCHAR, event_id VARCHAR, type VARCHAR, line DOUBLE,
        source_name VARCHAR);`);
    this.prepared = true;
  }

  /**
   * Lands one batch. With `recordConflicts` false (re-submitting stored
   * rejects), a conflicting event is counted but not recorded again.
   */
  async land(
    source: BatchSource,
    events: readonly EventColumns[],
    rejects: readonly StagedReject[],
    recordConflicts = true,
    options: LandOptions = {},
  ): Promise<BatchOutcome> {
    await this.prepare();
    const startedAt = Date.now();
    const connection = this.warehouse.connection;
    const { unique, duplicates: repeated, conflicts: contradicted, codes } = settleRepeats(events);
    const toRecord = recordConflicts ? [...rejects, ...contradicted] : rejects;
    await this.warehouse.run('DELETE FROM temp.stage_events; DELETE FROM temp.stage_rejects;');
    if (unique.count > 0) {
      appendEvents(await connection.createAppender('stage_events', 'main', 'temp'), events, unique.rows);
    }
    if (toRecord.length > 0) {
      appendRejects(await connection.createAppender('stage_rejects', 'main', 'temp'), toRecord);
    }
    const [firstLine, lastLine] = lineRange(events, rejects);
    const params = {
      kind: source.kind,
      name: source.name ?? null,
      started_us: BigInt(startedAt) * 1000n,
      first_line: firstLine,
      last_line: lastLine,
    };
    return this.warehouse.transaction(async () => {
      const head = await this.warehouse.one<{ batch_id: bigint; base: bigint }>(
        `SELECT (SELECT coalesce(max(batch_id), 0) + 1 FROM ingest_batches) AS batch_id,
                (SELECT coalesce(max(seq), 0) FROM event_log) AS base`,
      );
      const batchId = head!.batch_id;
      const base = head!.base;
      let landedDuplicates = 0;
      let landedConflicts = 0;
      if (unique.count > 0) {
        await this.warehouse.run(COLLISIONS_SQL);
        const collisions = await this.warehouse.one<{ same: bigint | null; different: bigint | null }>(
          'SELECT count(*) FILTER (WHERE same) AS same, count(*) FILTER (WHERE NOT same) AS different FROM temp.stage_collisions',
        );
        landedDuplicates = Number(collisions!.same ?? 0);
        landedConflicts = Number(collisions!.different ?? 0);
        if (landedConflicts > 0) {
          // Text differs; the event may not (a timestamp written another way).
          const sameAfterAll = await this.settleTextualDifferences();
          landedDuplicates += sameAfterAll;
          landedConflicts -= sameAfterAll;
        }
        if (options.rowOutcomes && landedDuplicates + landedConflicts > 0) {
          await this.markCollisions(codes, unique.rows);
        }
        if (landedConflicts > 0 && recordConflicts) await this.warehouse.run(STAGE_LANDED_CONFLICTS_SQL);
        if (landedDuplicates + landedConflicts > 0) {
          await this.warehouse.run(
            'DELETE FROM temp.stage_events WHERE pos IN (SELECT pos FROM temp.stage_collisions)',
          );
        }
      }
      const accepted = unique.count - landedDuplicates - landedConflicts;
      const duplicates = repeated + landedDuplicates;
      const conflicts = contradicted.length + landedConflicts;
      const rejected = rejects.length + conflicts;
      if (accepted > 0) {
        await this.warehouse.run(INSERT_EVENTS_SQL, { base, batch_id: batchId, name: params.name });
        await this.warehouse.run(RESOLVE_REJECTS_SQL, { batch_id: batchId });
      }
      if (toRecord.length > 0 || (landedConflicts > 0 && recordConflicts)) {
        await this.warehouse.run(INSERT_REJECTS_SQL, {
          batch_id: batchId,
          kind: params.kind,
          name: params.name,
        });
      }
      await this.warehouse.run(
        `INSERT INTO ingest_batches VALUES ($batch_id, $kind, $name, $first_line, $last_line,
           make_timestamptz($started_us::BIGINT), now(), $accepted, $duplicates, $rejected)`,
        { ...params, batch_id: batchId, accepted, duplicates, rejected },
      );
      return {
        batchId: Number(batchId),
        accepted,
        duplicates,
        rejected,
        conflicts,
        firstSeq: accepted > 0 ? Number(base) + 1 : null,
        lastSeq: accepted > 0 ? Number(base) + accepted : null,
        ...(options.rowOutcomes ? { rows: flatten(codes) } : {}),
      };
    });
  }

  /** Marks the kept rows that collided with landed events as duplicates or conflicts. */
  private async markCollisions(codes: Uint8Array[], kept: Uint8Array[]): Promise<void> {
    const collisions = await this.warehouse.all<{ pos: number; same: boolean }>(
      'SELECT pos, same FROM temp.stage_collisions ORDER BY pos',
    );
    let next = 0;
    let pos = 0;
    for (let index = 0; index < kept.length && next < collisions.length; index++) {
      const keep = kept[index]!;
      for (let row = 0; row < keep.length && next < collisions.length; row++) {
        if (keep[row] === 0) continue;
        const collision = collisions[next]!;
        if (collision.pos === pos) {
          codes[index]![row] = collision.same ? ROW_DUPLICATE : ROW_CONFLICT;
          next++;
        }
        pos++;
      }
    }
  }

  /**
   * Collisions whose canonical text differs are compared as events: equal
   * when every field is equal and timestamps denote the same instant. Marks
   * those as the same and returns how many there were.
   */
  private async settleTextualDifferences(): Promise<number> {
    const rows = await this.warehouse.all<{ pos: number; landed: string; staged: string }>(
      `SELECT c.pos, e.payload AS landed, s.payload AS staged
       FROM temp.stage_collisions c
       JOIN temp.stage_events s USING (pos)
       JOIN event_log e ON e.seq = c.landed_seq
       WHERE NOT c.same`,
    );
    const equal = rows.filter((row) => sameEvent(JSON.parse(row.landed), JSON.parse(row.staged)));
    if (equal.length > 0) {
      await this.warehouse.run(
        `UPDATE temp.stage_collisions SET same = true WHERE pos IN (SELECT unnest($positions::INTEGER[]))`,
        { positions: `[${equal.map((row) => row.pos).join(',')}]` },
      );
    }
    return equal.length;
  }
}

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Two event bodies are the same event when they have the same fields with
 * equal values, where two timestamps are equal if they denote the same instant
 * (`…06:00:00Z`, `…06:00:00.000000Z` and `…07:00:00+01:00` are one time).
 */
export function sameEvent(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return true;
    return TIMESTAMP_TEXT.test(a) && TIMESTAMP_TEXT.test(b) && toEpochMicros(a) === toEpochMicros(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameEvent(item, b[index]))
    );
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    return (
      keysA.length === keysB.length &&
      keysA.every(
        (key) =>
          key in b && sameEvent((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
      )
    );
  }
  return a === b;
}

/** Which rows of a batch are first occurrences, how many repeat them, and which contradict them. */
function settleRepeats(chunks: readonly EventColumns[]): {
  unique: { count: number; rows: Uint8Array[] };
  duplicates: number;
  conflicts: StagedReject[];
  /** Per chunk, per row: ROW_ACCEPTED (first occurrence), ROW_DUPLICATE or ROW_CONFLICT. */
  codes: Uint8Array[];
} {
  const codes: Uint8Array[] = [];
  const first = new Map<string, { payload: string; line: number }>();
  const rows: Uint8Array[] = [];
  const conflicts: StagedReject[] = [];
  let duplicates = 0;
  let count = 0;
  for (const chunk of chunks) {
    const keep = new Uint8Array(chunk.eventId.length);
    const code = new Uint8Array(chunk.eventId.length);
    for (let row = 0; row < chunk.eventId.length; row++) {
      const eventId = chunk.eventId[row]!;
      const payload = chunk.payload[row]!;
      const earlier = first.get(eventId);
      if (earlier === undefined) {
        first.set(eventId, { payload, line: chunk.line[row]! });
        keep[row] = 1;
        count++;
      } else if (earlier.payload === payload || sameEvent(JSON.parse(earlier.payload), JSON.parse(payload))) {
        duplicates++;
        code[row] = ROW_DUPLICATE;
      } else {
        const line = chunk.line[row]!;
        code[row] = ROW_CONFLICT;
        conflicts.push({
          reason: 'conflict',
          raw: payload,
          eventId,
          type: chunk.type[row],
          line: Number.isNaN(line) ? undefined : line,
          sourceName: chunk.sourceName,
          errors: [
            {
              path: 'event_id',
              code: 'conflict',
              message: `event_id ${eventId} appears earlier in this input${Number.isNaN(earlier.line) ? '' : ` (line ${earlier.line})`} with a different body`,
            },
          ],
        });
      }
    }
    rows.push(keep);
    codes.push(code);
  }
  return { unique: { count, rows }, duplicates, conflicts, codes };
}

function flatten(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function lineRange(
  events: readonly EventColumns[],
  rejects: readonly StagedReject[],
): [bigint | null, bigint | null] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const see = (line: number | undefined): void => {
    if (line === undefined || Number.isNaN(line)) return;
    if (line < min) min = line;
    if (line > max) max = line;
  };
  for (const chunk of events) for (const line of chunk.line) see(line);
  for (const reject of rejects) see(reject.line);
  return Number.isFinite(min) ? [BigInt(min), BigInt(max)] : [null, null];
}

function appendEvents(appender: DuckDBAppender, chunks: readonly EventColumns[], keep: Uint8Array[]): void {
  // Per-cell calls cross into native code; keep this loop free of allocation.
  // (Column-wise data chunks measured no faster here.)
  let pos = 0;
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index]!;
    const kept = keep[index]!;
    const sourceName = chunk.sourceName;
    for (let row = 0; row < chunk.eventId.length; row++) {
      if (kept[row] === 0) continue;
      appender.appendInteger(pos++);
      appender.appendVarchar(chunk.eventId[row]!);
      appender.appendVarchar(chunk.type[row]!);
      appender.appendDouble(chunk.occurredUs[row]!);
      appender.appendVarchar(chunk.payload[row]!);
      const source = chunk.source[row];
      if (source == null) appender.appendNull();
      else appender.appendVarchar(source);
      const actor = chunk.actor[row];
      if (actor == null) appender.appendNull();
      else appender.appendVarchar(actor);
      const line = chunk.line[row]!;
      if (Number.isNaN(line)) appender.appendNull();
      else appender.appendDouble(line);
      if (sourceName === undefined) appender.appendNull();
      else appender.appendVarchar(sourceName);
      appender.endRow();
    }
  }
  appender.flushSync();
  appender.closeSync();
}

function appendRejects(appender: DuckDBAppender, rejects: readonly StagedReject[]): void {
  for (let pos = 0; pos < rejects.length; pos++) {
    const reject = rejects[pos]!;
    appender.appendInteger(pos);
    appender.appendVarchar(reject.reason);
    appender.appendVarchar(reject.raw);
    appender.appendVarchar(JSON.stringify(reject.errors));
    if (reject.eventId === undefined) appender.appendNull();
    else appender.appendVarchar(reject.eventId);
    if (reject.type === undefined) appender.appendNull();
    else appender.appendVarchar(reject.type);
    if (reject.line === undefined) appender.appendNull();
    else appender.appendDouble(reject.line);
    if (reject.sourceName === undefined) appender.appendNull();
    else appender.appendVarchar(reject.sourceName);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

// Staged ids that already landed: same canonical body = duplicate, else conflict. The ids are matched
// first (reading only event_id and seq of the log); bodies are read for the matches alone.
const COLLISIONS_SQL = `
CREATE OR REPLACE TEMP TABLE stage_collisions AS
WITH hits AS MATERIALIZED (
  SELECT s.pos, e.seq FROM temp.stage_events s JOIN event_log e ON e.event_id = s.event_id)
SELECT h.pos, h.seq AS landed_seq, e.payload = s.payload AS same
FROM hits h JOIN temp.stage_events s USING (pos) JOIN event_log e ON e.seq = h.seq`;

const STAGE_LANDED_CONFLICTS_SQL = `
INSERT INTO temp.stage_rejects
SELECT 1000000000 + s.pos, 'conflict', s.payload,
       json_array(json_object('path', 'event_id', 'code', 'conflict', 'message',
         'event_id ' || s.event_id || ' already landed (seq ' || c.landed_seq || ') with a different body'))::VARCHAR,
       s.event_id, s.type, s.line, s.source_name
FROM temp.stage_events s JOIN temp.stage_collisions c USING (pos)
WHERE NOT c.same`;

const INSERT_EVENTS_SQL = `
INSERT INTO event_log
SELECT $base + row_number() OVER (ORDER BY pos) AS seq, event_id, type,
       make_timestamptz(occurred_us::BIGINT), now(), source, actor, payload,
       $batch_id, coalesce(source_name, $name::VARCHAR), line::BIGINT
FROM temp.stage_events`;

// The same input from the same place (a re-run of the same file) is recorded once.
const INSERT_REJECTS_SQL = `
INSERT INTO rejected_events (batch_id, received_at, source_kind, source_file, source_line,
                             event_id, type, reason, errors, raw)
SELECT $batch_id, now(), $kind::VARCHAR, coalesce(i.source_name, $name::VARCHAR), i.line::BIGINT, i.event_id, i.type,
       i.reason, i.errors, i.raw
FROM temp.stage_rejects i
WHERE NOT EXISTS (
  SELECT 1 FROM rejected_events r
  WHERE r.status = 'open' AND r.reason = i.reason AND r.raw = i.raw
    AND r.source_file IS NOT DISTINCT FROM coalesce(i.source_name, $name::VARCHAR) AND r.source_line IS NOT DISTINCT FROM i.line::BIGINT)
ORDER BY i.pos`;

// An invalid input is resolved once a valid event with its id lands (the
// corrected re-submission), a forbidden one once its event lands from a key
// allowed to send it. Conflicts stay open: someone must decide.
const RESOLVE_REJECTS_SQL = `
UPDATE rejected_events r
SET status = 'resolved', resolved_at = now(),
    resolution = 'accepted as seq ' || e.seq || ' (batch ' || $batch_id || ')'
FROM event_log e
WHERE e.batch_id = $batch_id AND r.event_id = e.event_id
  AND r.status = 'open' AND r.reason IN ('invalid', 'unreadable', 'forbidden') AND r.batch_id <> $batch_id`;
