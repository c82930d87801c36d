import type { DuckDBAppender } from '@duckdb/node-api';
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

export interface IssueRecord {
  path: string;
  code: string;
  message: string;
}

/** One input that failed before landing (unreadable or invalid). */
export interface StagedReject {
  reason: 'unreadable' | 'invalid';
  raw: string;
  errors: IssueRecord[];
  eventId?: string | undefined;
  type?: string | undefined;
  line?: number | undefined;
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
}

/**
 * Lands batches of events atomically and idempotently.
 *
 * Each batch is appended to a connection-local temp table, then merged into
 * `event_log` by set-based SQL inside one transaction: new event ids are
 * inserted with the next arrival sequence, an id already landed (or repeated
 * within the batch) with the same canonical body is a duplicate, and with a
 * different body a `conflict` reject. Rejects and the batch record commit in
 * the same transaction, so a crash leaves either the whole batch or nothing,
 * and re-sending the same input never duplicates anything.
 */
export class EventLander {
  private prepared = false;

  constructor(private readonly warehouse: Warehouse) {}

  private async prepare(): Promise<void> {
    if (this.prepared) return;
    await this.warehouse.run(`
      CREATE OR REPLACE TEMP TABLE stage_events (
        pos INTEGER, event_id VARCHAR, type VARCHAR, occurred_us DOUBLE, payload VARCHAR,
        source VARCHAR, actor VARCHAR, line DOUBLE);
      CREATE OR REPLACE TEMP TABLE stage_rejects (
        pos INTEGER, reason VARCHAR, raw VARCHAR, errors VARCHAR, event_id VARCHAR, type VARCHAR, line DOUBLE);`);
    this.prepared = true;
  }

  /**
   * Lands one batch. With `recordConflicts` false (re-submitting stored
   * rejects), a conflicting event is counted but not recorded again.
   */
  async land(
    source: BatchSource,
    events: StagedEvent[],
    rejects: StagedReject[],
    recordConflicts = true,
  ): Promise<BatchOutcome> {
    await this.prepare();
    const startedAt = Date.now();
    const connection = this.warehouse.connection;
    await this.warehouse.run('DELETE FROM temp.stage_events; DELETE FROM temp.stage_rejects;');
    if (events.length > 0)
      appendEvents(await connection.createAppender('stage_events', 'main', 'temp'), events);
    if (rejects.length > 0) {
      appendRejects(await connection.createAppender('stage_rejects', 'main', 'temp'), rejects);
    }
    const lines = [...events, ...rejects].map((item) => item.line).filter((line) => line !== undefined);
    const params = {
      kind: source.kind,
      name: source.name ?? null,
      started_us: BigInt(startedAt) * 1000n,
      first_line: lines.length ? BigInt(Math.min(...lines)) : null,
      last_line: lines.length ? BigInt(Math.max(...lines)) : null,
    };
    return this.warehouse.transaction(async () => {
      const batch = await this.warehouse.one<{ id: bigint }>(
        'SELECT coalesce(max(batch_id), 0) + 1 AS id FROM ingest_batches',
      );
      const batchId = Number(batch!.id);
      await this.warehouse.run(CLASSIFY_SQL);
      const counts = await this.warehouse.one<{
        accepted: bigint;
        duplicates: bigint;
        conflicts: bigint;
        base: bigint;
      }>(COUNT_SQL);
      const accepted = Number(counts!.accepted);
      const duplicates = Number(counts!.duplicates);
      const conflicts = Number(counts!.conflicts);
      const rejected = rejects.length + conflicts;
      const recorded = rejects.length + (recordConflicts ? conflicts : 0);
      const base = Number(counts!.base);
      const merge = { ...params, batch_id: BigInt(batchId), base: BigInt(base) };
      if (accepted > 0) await this.warehouse.run(INSERT_EVENTS_SQL, pick(merge, 'base', 'batch_id', 'name'));
      if (recorded > 0)
        await this.warehouse.run(
          recordConflicts ? INSERT_REJECTS_SQL : INSERT_INVALID_SQL,
          pick(merge, 'batch_id', 'kind', 'name'),
        );
      if (accepted > 0) await this.warehouse.run(RESOLVE_REJECTS_SQL, pick(merge, 'batch_id'));
      await this.warehouse.run(
        `INSERT INTO ingest_batches VALUES ($batch_id, $kind, $name, $first_line, $last_line,
           make_timestamptz($started_us::BIGINT), now(), $accepted, $duplicates, $rejected)`,
        { ...params, batch_id: BigInt(batchId), accepted, duplicates, rejected },
      );
      return {
        batchId,
        accepted,
        duplicates,
        rejected,
        conflicts,
        firstSeq: accepted > 0 ? base + 1 : null,
        lastSeq: accepted > 0 ? base + accepted : null,
      };
    });
  }
}

function pick<T extends Record<string, unknown>, K extends keyof T>(object: T, ...keys: K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = object[key];
  return picked;
}

function appendEvents(appender: DuckDBAppender, events: StagedEvent[]): void {
  // Per-column calls cross into native code; keep this loop free of allocation.
  for (let pos = 0; pos < events.length; pos++) {
    const event = events[pos]!;
    appender.appendInteger(pos);
    appender.appendVarchar(event.eventId);
    appender.appendVarchar(event.type);
    appender.appendDouble(event.occurredUs);
    appender.appendVarchar(event.payload);
    if (event.source === undefined) appender.appendNull();
    else appender.appendVarchar(event.source);
    if (event.actor === undefined) appender.appendNull();
    else appender.appendVarchar(event.actor);
    if (event.line === undefined) appender.appendNull();
    else appender.appendDouble(event.line);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

function appendRejects(appender: DuckDBAppender, rejects: StagedReject[]): void {
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
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

// Each staged event is new, a duplicate (same id, same canonical body as the
// landed or an earlier staged one) or a conflict (same id, different body).
const CLASSIFY_SQL = `
CREATE OR REPLACE TEMP TABLE stage_classified AS
WITH ranked AS (
  SELECT s.*,
         row_number() OVER (PARTITION BY s.event_id ORDER BY s.pos) AS rank_in_batch,
         first_value(s.payload) OVER (PARTITION BY s.event_id ORDER BY s.pos) AS first_payload
  FROM temp.stage_events s
),
landed AS (
  SELECT e.event_id, e.payload, e.seq
  FROM event_log e SEMI JOIN temp.stage_events s ON e.event_id = s.event_id
)
SELECT r.*, l.seq AS landed_seq,
  CASE
    WHEN l.event_id IS NOT NULL THEN CASE WHEN l.payload::VARCHAR = r.payload THEN 'duplicate' ELSE 'conflict' END
    WHEN r.rank_in_batch = 1 THEN 'new'
    WHEN r.payload = r.first_payload THEN 'duplicate'
    ELSE 'conflict'
  END AS outcome
FROM ranked r LEFT JOIN landed l ON l.event_id = r.event_id`;

const COUNT_SQL = `
SELECT count(*) FILTER (WHERE outcome = 'new') AS accepted,
       count(*) FILTER (WHERE outcome = 'duplicate') AS duplicates,
       count(*) FILTER (WHERE outcome = 'conflict') AS conflicts,
       (SELECT coalesce(max(seq), 0) FROM event_log) AS base
FROM temp.stage_classified`;

const INSERT_EVENTS_SQL = `
INSERT INTO event_log
SELECT $base + row_number() OVER (ORDER BY pos) AS seq, event_id, type,
       make_timestamptz(occurred_us::BIGINT), now(), source, actor, payload,
       $batch_id, $name::VARCHAR, line::BIGINT
FROM temp.stage_classified WHERE outcome = 'new'`;

// Invalid inputs and conflicts. The same input from the same place (a re-run
// of the same file) is recorded once.
const INSERT_REJECTS_SQL = `
INSERT INTO rejected_events (batch_id, received_at, source_kind, source_file, source_line,
                             event_id, type, reason, errors, raw)
WITH incoming AS (
  SELECT pos, reason, raw, errors, event_id, type, line FROM temp.stage_rejects
  UNION ALL
  SELECT 1000000000 + pos, 'conflict', payload,
         json_array(json_object('path', 'event_id', 'code', 'conflict', 'message',
           CASE WHEN landed_seq IS NOT NULL
             THEN 'event_id ' || event_id || ' already landed (seq ' || landed_seq || ') with a different body'
             ELSE 'event_id ' || event_id || ' appears earlier in this input with a different body' END))::VARCHAR,
         event_id, type, line
  FROM temp.stage_classified WHERE outcome = 'conflict'
)
SELECT $batch_id, now(), $kind::VARCHAR, $name::VARCHAR, i.line::BIGINT, i.event_id, i.type, i.reason, i.errors, i.raw
FROM incoming i
WHERE NOT EXISTS (
  SELECT 1 FROM rejected_events r
  WHERE r.status = 'open' AND r.reason = i.reason AND r.raw = i.raw
    AND r.source_file IS NOT DISTINCT FROM $name::VARCHAR AND r.source_line IS NOT DISTINCT FROM i.line::BIGINT)
ORDER BY i.pos`;

const INSERT_INVALID_SQL = INSERT_REJECTS_SQL.replace("WHERE outcome = 'conflict'", 'WHERE false');

// An invalid input is resolved once a valid event with its id lands (the
// corrected re-submission). Conflicts stay open: someone must decide.
const RESOLVE_REJECTS_SQL = `
UPDATE rejected_events r
SET status = 'resolved', resolved_at = now(),
    resolution = 'accepted as seq ' || e.seq || ' (batch ' || $batch_id || ')'
FROM event_log e
WHERE e.batch_id = $batch_id AND r.event_id = e.event_id
  AND r.status = 'open' AND r.reason IN ('invalid', 'unreadable') AND r.batch_id <> $batch_id`;
