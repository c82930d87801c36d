import type { BatchOutcome, BatchSource, StagedEvent, StagedReject } from '../warehouse/landing.ts';
import { EventLander } from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { Source } from './sources.ts';
import { isReject, stageItem } from './stage.ts';

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
}

/**
 * Streams every source through validation into the warehouse in bounded
 * batches. Each batch commits atomically; while one batch merges in DuckDB,
 * the next is read and validated, so both cores work.
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
  for (const [sourceIndex, source] of sources.entries()) {
    const sourceStarted = performance.now();
    const counts = zeroCounts();
    const batchSource: BatchSource =
      source.path === '-' ? { kind: 'stdin', name: 'stdin' } : { kind: 'file', name: source.path };
    const totalWork = await source.pipeline.total(source.path);
    let events: StagedEvent[] = [];
    let rejects: StagedReject[] = [];
    let landing: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      await landing;
      if (events.length === 0 && rejects.length === 0) return;
      const batchEvents = events;
      const batchRejects = rejects;
      events = [];
      rejects = [];
      landing = lander.land(batchSource, batchEvents, batchRejects).then((outcome) => {
        add(counts, outcome);
        options.onBatch?.(outcome);
      });
    };
    for await (const chunk of source.pipeline.read({ path: source.path })) {
      for (const item of chunk.items) {
        const staged = stageItem(item);
        if (isReject(staged)) rejects.push(staged);
        else events.push(staged);
        if (events.length + rejects.length >= batchSize) await flush();
      }
      options.onProgress?.({
        source,
        sourceIndex,
        sourceCount: sources.length,
        position: chunk.position,
        total: totalWork,
        unit: source.pipeline.unit,
        counts,
      });
    }
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
  const seconds = (performance.now() - started) / 1000;
  const processed = total.accepted + total.duplicates + total.rejected;
  return { ...total, sources: summaries, seconds, eventsPerSecond: seconds > 0 ? processed / seconds : 0 };
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
