import { UserError } from '../warehouse/errors.ts';
import { pendingMigrations } from '../warehouse/migrations.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** Rows of a read model with its column order (for table/CSV output). */
export interface ReadModelRows {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Throws a user error when the warehouse predates the ledger (run `retailos init` to migrate it). */
export async function requireLedger(warehouse: Warehouse): Promise<void> {
  const pending = await pendingMigrations(warehouse);
  if (pending.length > 0) {
    throw new UserError(
      `This warehouse has no ledger yet (pending migrations: ${pending.join(', ')}). Run: retailos init --db ${warehouse.path}`,
    );
  }
}

export interface PositionFilter {
  sku?: string | undefined;
  nodeId?: string | undefined;
  /** A business time: positions as they stood then (inventory_positions_as_of). */
  asOf?: string | undefined;
}

/** inventory_positions (or as of a time), filtered, ordered by sku and node. */
export async function queryPositions(
  warehouse: Warehouse,
  filter: PositionFilter = {},
): Promise<ReadModelRows> {
  const params: Record<string, string> = {};
  const where: string[] = [];
  if (filter.sku !== undefined) {
    where.push('sku = $sku');
    params.sku = filter.sku;
  }
  if (filter.nodeId !== undefined) {
    where.push('node_id = $node');
    params.node = filter.nodeId;
  }
  let source = 'inventory_positions';
  if (filter.asOf !== undefined) {
    const instant = await parseInstant(warehouse, filter.asOf);
    source = 'inventory_positions_as_of($as_of::TIMESTAMPTZ)';
    params.as_of = instant;
  }
  return select(
    warehouse,
    `SELECT * FROM ${source} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY sku, node_id`,
    params,
  );
}

export interface AvailabilityFilter {
  channelId?: string | undefined;
  sku?: string | undefined;
}

/** channel_availability, filtered, ordered by channel and sku. */
export async function queryAvailability(
  warehouse: Warehouse,
  filter: AvailabilityFilter = {},
): Promise<ReadModelRows> {
  const params: Record<string, string> = {};
  const where: string[] = [];
  if (filter.channelId !== undefined) {
    where.push('channel_id = $channel');
    params.channel = filter.channelId;
  }
  if (filter.sku !== undefined) {
    where.push('sku = $sku');
    params.sku = filter.sku;
  }
  return select(
    warehouse,
    `SELECT * FROM channel_availability ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY channel_id, sku`,
    params,
  );
}

export const EXCEPTION_TYPES = [
  'oversell',
  'negative_stock',
  'inventory_mismatch',
  'transfer_overdue',
  'po_overdue',
  'unknown_reference',
  'master_data',
] as const;
export const EXCEPTION_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

export interface ExceptionFilter {
  type?: string | undefined;
  severity?: string | undefined;
  /** A status, or 'all'; default: everything not resolved. */
  status?: string | undefined;
  sku?: string | undefined;
  nodeId?: string | undefined;
}

/** exceptions, filtered, most severe and oldest first. */
export async function queryExceptions(
  warehouse: Warehouse,
  filter: ExceptionFilter = {},
): Promise<ReadModelRows> {
  const params: Record<string, string> = {};
  const where: string[] = [];
  const add = (column: string, name: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = $${name}`);
    params[name] = value;
  };
  add('exception_type', 'type', filter.type);
  add('severity', 'severity', filter.severity);
  add('sku', 'sku', filter.sku);
  add('node_id', 'node', filter.nodeId);
  const status = filter.status ?? 'unresolved';
  if (status === 'unresolved') where.push("status <> 'resolved'");
  else if (status !== 'all') add('status', 'status', status);
  return select(
    warehouse,
    `SELECT exception_id, exception_type, severity, sku, node_id, order_id, po_id, transfer_id, opened_at, status,
            detail
     FROM exceptions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, opened_at, exception_id`,
    params,
  );
}

/** Records a workflow status for an exception (acknowledged, resolved, or open again). */
export async function setExceptionStatus(
  warehouse: Warehouse,
  exceptionId: string,
  status: ExceptionStatus,
  options: { note?: string | undefined; actor?: string | undefined } = {},
): Promise<void> {
  const known = await warehouse.one<{ n: bigint }>(
    'SELECT count(*) AS n FROM exceptions WHERE exception_id = $id',
    { id: exceptionId },
  );
  if (!known || known.n === 0n)
    throw new UserError(`No exception ${exceptionId} (list them with retailos exceptions).`);
  await warehouse.run(
    'INSERT INTO exception_status (exception_id, status, note, actor) VALUES ($id, $status, $note, $actor)',
    { id: exceptionId, status, note: options.note ?? null, actor: options.actor ?? null },
  );
}

async function parseInstant(warehouse: Warehouse, text: string): Promise<string> {
  try {
    const row = await warehouse.one<{ t: string }>('SELECT CAST(CAST($t AS TIMESTAMPTZ) AS VARCHAR) AS t', {
      t: text,
    });
    return row!.t;
  } catch {
    throw new UserError(`--as-of takes a timestamp (2025-01-31 or 2025-01-31T18:00:00Z), got "${text}"`);
  }
}

async function select(
  warehouse: Warehouse,
  sql: string,
  params: Record<string, string>,
): Promise<ReadModelRows> {
  const reader = await warehouse.connection.runAndReadAll(sql, params);
  return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Record<string, unknown>[] };
}
