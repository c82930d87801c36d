import type { Warehouse } from './warehouse.ts';

export interface WarehouseStatus {
  path: string;
  sizeBytes: number;
  schemaVersion: number;
  events: number;
  lastOccurredAt: Date | null;
  lastReceivedAt: Date | null;
  openRejects: number;
  resolvedRejects: number;
  byType: { type: string; events: number; last_occurred_at: Date | null }[];
}

/** What is in the warehouse: the numbers behind `retailos status` (and the API's later). */
export async function warehouseStatus(warehouse: Warehouse): Promise<WarehouseStatus> {
  const byType = await warehouse.all<{ type: string; events: bigint; last_occurred_at: Date | null }>(
    'SELECT type, count(*) AS events, max(occurred_at) AS last_occurred_at FROM event_log GROUP BY type ORDER BY events DESC, type',
  );
  const totals = await warehouse.one<{
    last_occurred: Date | null;
    last_received: Date | null;
    open_rejects: bigint;
    resolved_rejects: bigint;
    version: number | null;
  }>(`SELECT
        (SELECT max(occurred_at) FROM event_log) AS last_occurred,
        (SELECT max(received_at) FROM event_log) AS last_received,
        (SELECT count(*) FROM rejected_events WHERE status = 'open') AS open_rejects,
        (SELECT count(*) FROM rejected_events WHERE status = 'resolved') AS resolved_rejects,
        (SELECT max(version) FROM schema_migrations) AS version`);
  return {
    path: warehouse.path,
    sizeBytes: warehouse.sizeBytes(),
    schemaVersion: totals?.version ?? 0,
    events: byType.reduce((sum, row) => sum + Number(row.events), 0),
    lastOccurredAt: totals?.last_occurred ?? null,
    lastReceivedAt: totals?.last_received ?? null,
    openRejects: Number(totals?.open_rejects ?? 0),
    resolvedRejects: Number(totals?.resolved_rejects ?? 0),
    byType: byType.map((row) => ({ ...row, events: Number(row.events) })),
  };
}
