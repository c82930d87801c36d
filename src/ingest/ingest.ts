import type { BatchOutcome, BatchSource, EventColumns, StagedReject } from '../warehouse/landing.ts';
import { EventLander } from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { Source } from './sources.ts';
import type { InputItem } from './stage.ts';
import { defaultPoolSize, StagePool } from './stage-pool.ts';
import { type StagedChunk, stageChunk } from './staging.ts';

/** Inputs per landed batch: large enough to amortise the merge, small enough to bound memory. */
export const DEFAULT_BATCH_SIZE = 50_000;

export interface Counts {
  accepted: number;
  duplicates: number;
  rejected: number;
  conflicts: number;
}

export interface SourceSummary extends Counts {
  path: string;
  format: string;
  seconds: number;
}

export interface IngestSummary extends Counts {
  sources: SourceSummary[];
  seconds: number;
  /** Inputs processed (accepted + duplicates + rejected) per second. */
  eventsPerSecond: number;
}

export interface IngestProgress {
  source: Source;
  sourceIndex: number;
  sourceCount: number;
  position: number;
  total: number;
  unit: 'bytes' | 'rows';
  counts: Counts;
}

export interface IngestOptions {
  batchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Called after each batch commits (tests use it to observe atomicity). */
  onBatch?: (outcome: BatchOutcome) => void;
  /**
   * Staging workers for JSON Lines: a number, 0 to validate on the main
   * thread, or 'auto' (default): workers for sources of 4 MiB and more, or
   * stdin; small files are validated in place, which starts faster.
   */
  workers?: number | 'auto';
}

/** Below this size a JSONL file is validated on the main thread (worker start-up would dominate). */
const WORKER_THRESHOLD_BYTES = 4 * 1024 * 1024;

/**
 * Streams every source through validation into the warehouse in bounded
 * batches. Three things overlap: the main thread reads and appends, staging
 * workers validate JSON Lines, and DuckDB merges the previous batch. Chunks
 * are consumed in source order, so arrival order (`seq`) follows the file.
 * Each batch commits atomically.
 */
export async function ingestSources(
  warehouse: Warehouse,
  sources: Source[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const lander = new EventLander(warehouse);
  const started = performance.now();
  const total: Counts = zeroCounts();
  const summaries: SourceSummary[] = [];
  let pool: StagePool | undefined;
  try {
    for (const [sourceIndex, source] of sources.entries()) {
      const sourceStarted = performance.now();
      const counts = zeroCounts();
      const batchSource: BatchSource =
        source.path === '-' ? { kind: 'stdin', name: 'stdin' } : { kind: 'file', name: source.path };
      const totalWork = await source.pipeline.total(source.path);
      const workers = workerCount(options.workers, source, totalWork);
      if (workers > 0 && (!pool || pool.size !== workers)) {
        await pool?.close();
        // A file is not a request: waits may be long on a busy machine, but are still bounded.
        pool = new StagePool({ size: workers, maxWaitMs: 120_000, taskTimeoutMs: 300_000 });
      }
      let events: EventColumns[] = [];
      let rejects: StagedReject[] = [];
      let pendingInputs = 0;
      let landing: Promise<void> = Promise.resolve();
      const flush = async (): Promise<void> => {
        await landing;
        if (pendingInputs === 0) return;
        const batchEvents = events;
        const batchRejects = rejects;
        events = [];
        rejects = [];
        pendingInputs = 0;
        landing = lander.land(batchSource, batchEvents, batchRejects).then((outcome) => {
          add(counts, outcome);
          options.onBatch?.(outcome);
        });
      };
      const consume = async (staged: StagedChunk, position: number): Promise<void> => {
        // Batches hold exactly batchSize inputs (the last one fewer): split chunks that overflow.
        let rest: StagedChunk | undefined = staged;
        while (rest) {
          const room = batchSize - pendingInputs;
          const [head, tail] = splitChunk(rest, room);
          events.push(head.events);
          rejects.push(...head.rejects);
          pendingInputs += head.events.eventId.length + head.rejects.length;
          if (pendingInputs >= batchSize) await flush();
          rest = tail;
        }
        options.onProgress?.({
          source,
          sourceIndex,
          sourceCount: sources.length,
          position,
          total: totalWork,
          unit: source.pipeline.unit,
          counts,
        });
      };
      // Chunks in flight, oldest first: staged in parallel, consumed in order.
      const inFlight: { staged: Promise<StagedChunk>; position: number }[] = [];
      const maxInFlight = Math.max(2, 2 * (pool?.size ?? 0));
      for await (const chunk of source.pipeline.read({ path: source.path })) {
        inFlight.push({
          staged: stage(chunk.items, workers > 0 ? pool : undefined),
          position: chunk.position,
        });
        while (inFlight.length >= maxInFlight) {
          const next = inFlight.shift()!;
          await consume(await next.staged, next.position);
        }
      }
      for (const next of inFlight.splice(0)) await consume(await next.staged, next.position);
      await flush();
      await landing;
      summaries.push({
        path: source.path,
        format: source.pipeline.name,
        seconds: (performance.now() - sourceStarted) / 1000,
        ...counts,
      });
      add(total, counts);
    }
  } finally {
    await pool?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const processed = total.accepted + total.duplicates + total.rejected;
  return { ...total, sources: summaries, seconds, eventsPerSecond: seconds > 0 ? processed / seconds : 0 };
}

/**
 * The first `room` inputs of a chunk and the rest (undefined when it fits).
 * Rejects go with the events around them, by line number.
 */
export function splitChunk(chunk: StagedChunk, room: number): [StagedChunk, StagedChunk | undefined] {
  const lines = chunk.events.line;
  if (lines.length + chunk.rejects.length <= room) return [chunk, undefined];
  // Walk events and rejects together in line order (both come in file order) until `room` are taken.
  const lineOf = (line: number | undefined): number =>
    line === undefined || Number.isNaN(line) ? Number.POSITIVE_INFINITY : line;
  let events = 0;
  let rejects = 0;
  while (events + rejects < room) {
    const eventLine = events < lines.length ? lineOf(lines[events]) : Number.POSITIVE_INFINITY;
    const rejectLine =
      rejects < chunk.rejects.length ? lineOf(chunk.rejects[rejects]!.line) : Number.POSITIVE_INFINITY;
    if (events < lines.length && eventLine <= rejectLine) events++;
    else rejects++;
  }
  return [
    { events: sliceColumns(chunk.events, 0, events), rejects: chunk.rejects.slice(0, rejects) },
    { events: sliceColumns(chunk.events, events, lines.length), rejects: chunk.rejects.slice(rejects) },
  ];
}

function sliceColumns(columns: EventColumns, start: number, end: number): EventColumns {
  return {
    eventId: columns.eventId.slice(start, end),
    type: columns.type.slice(start, end),
    occurredUs: columns.occurredUs.slice(start, end),
    payload: columns.payload.slice(start, end),
    source: columns.source.slice(start, end),
    actor: columns.actor.slice(start, end),
    line: columns.line.slice(start, end),
  };
}

/** JSON Lines go to the pool; decoded records (CSV, Parquet) and small inputs are staged in place. */
function stage(items: InputItem[], pool: StagePool | undefined): Promise<StagedChunk> {
  if (!pool || items.some((item) => item.value !== undefined || item.readError !== undefined)) {
    return Promise.resolve(stageChunk(items));
  }
  const lines = new Float64Array(items.length);
  const raws: string[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    lines[index] = item.line ?? Number.NaN;
    raws[index] = item.raw;
  }
  return pool.stage({ kind: 'lines', lines, raws });
}

function workerCount(option: number | 'auto' | undefined, source: Source, totalWork: number): number {
  if (typeof option === 'number') return option;
  if (source.pipeline.name !== 'jsonl') return 0;
  return source.path === '-' || totalWork >= WORKER_THRESHOLD_BYTES ? defaultPoolSize() : 0;
}

function zeroCounts(): Counts {
  return { accepted: 0, duplicates: 0, rejected: 0, conflicts: 0 };
}

function add(into: Counts, from: Counts): void {
  into.accepted += from.accepted;
  into.duplicates += from.duplicates;
  into.rejected += from.rejected;
  into.conflicts += from.conflicts;
}
