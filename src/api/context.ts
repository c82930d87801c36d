import type { Request } from 'express';
import type { ChannelPublisher } from '../channels/outbound/publisher.ts';
import type { HttpIngestQueue } from '../ingest/http-ingest.ts';
import { type OperationsContext, operationsContext } from '../operations/context.ts';
import type { ReaderPool } from '../warehouse/reader-pool.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { KeyRing } from './key-ring.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { AnalystSandbox } from './sandbox.ts';

export interface ApiLimits {
  /** Largest request body, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Most events in one POST /events (413 beyond). */
  maxEventsPerRequest: number;
  /** Largest page of a list route. */
  maxPageSize: number;
}

/** Everything a route handler may use: services, not other routes. */
export interface ApiContext {
  warehouse: Warehouse;
  readers: ReaderPool;
  ingest: HttpIngestQueue;
  sandbox: AnalystSandbox;
  keys: KeyRing;
  metrics: Metrics;
  logger: Logger;
  limits: ApiLimits;
  /** Runs `work` alone on the write connection (every write of the server goes through it). */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  /**
   * The debounced operations pipeline (ledger refresh, then allocation) after ingest; null when the server
   * runs without it. `flush()` runs what is pending now and waits for it.
   */
  operations: { notify(): void; flush(): Promise<void> } | null;
  /** The outbound channel sync (src/channels/outbound/publisher.ts); null when the server runs without it. */
  channels: ChannelPublisher | null;
  /** Set when shutdown begins: new requests get 503. */
  draining: boolean;
}

/**
 * A request's operations context (src/operations/context.ts), built once per request by the handler that
 * needs one: the API key's name as actor and its role, and the business clock read once — or the request's
 * explicit time (`at`), never after the clock.
 */
export function requestContext(ctx: ApiContext, req: Request, at?: string): Promise<OperationsContext> {
  const caller = req.caller;
  if (caller === undefined) throw new Error('requestContext: no authenticated caller on this request');
  return ctx.readers.use((reader) =>
    operationsContext(reader, { actor: caller.name, role: caller.role }, { at, what: 'at' }),
  );
}

/**
 * The business time of a workflow action sent over HTTP: the request's explicit `at`, refused (400) when it is
 * after the business clock, since retailos dates nothing after it; else the clock's now, read once.
 */
export async function actionTime(ctx: ApiContext, req: Request, at: string | undefined): Promise<string> {
  return (await requestContext(ctx, req, at)).now.toISOString();
}
