/**
 * Where the allocator reads stock from (a strategy, so the fallback can be deleted in one place):
 * - `LedgerPositions`: the ledger's `inventory_positions` (issue 4), brought up to date first;
 * - `EventLogPositions`: a fallback computing sellable units straight from event_log
 *   (`sql/allocation/positions_from_events.sql`) for a warehouse without the ledger.
 * `defaultPositions` picks the ledger when the warehouse has it.
 */
import { ledgerLag, refreshLedger } from '../ledger/refresh.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { allocationSql } from './sql.ts';
import type { PositionInfo } from './types.ts';

export interface PositionSource {
  readonly name: string;
  /** Runs before the run reads anything, outside any transaction (e.g. apply pending events to the ledger). */
  prepare(warehouse: Warehouse): Promise<void>;
  /** Positions of these skus. May read temp.alloc_claims (the run's claims). */
  read(warehouse: Warehouse, skus: readonly string[]): Promise<PositionInfo[]>;
}

interface PositionRow {
  sku: string;
  node_id: string;
  sellable: bigint | number;
  reserved: bigint | number;
}

async function readPositions(
  warehouse: Warehouse,
  sql: string,
  skus: readonly string[],
): Promise<PositionInfo[]> {
  if (skus.length === 0) return [];
  const rows = await warehouse.all<PositionRow>(sql, { skus: JSON.stringify(skus) });
  return rows.map((row) => ({
    sku: row.sku,
    nodeId: row.node_id,
    sellable: Number(row.sellable),
    reserved: Number(row.reserved),
  }));
}

export class LedgerPositions implements PositionSource {
  readonly name = 'ledger';

  async prepare(warehouse: Warehouse): Promise<void> {
    const lag = await ledgerLag(warehouse);
    if (lag.pendingEvents > 0) await refreshLedger(warehouse);
  }

  read(warehouse: Warehouse, skus: readonly string[]): Promise<PositionInfo[]> {
    return readPositions(warehouse, allocationSql('positions'), skus);
  }
}

export class EventLogPositions implements PositionSource {
  readonly name = 'event_log';

  async prepare(): Promise<void> {}

  read(warehouse: Warehouse, skus: readonly string[]): Promise<PositionInfo[]> {
    return readPositions(warehouse, allocationSql('positions_from_events'), skus);
  }
}

/** True when the warehouse has a table or view of that name. */
export async function hasRelation(warehouse: Warehouse, name: string): Promise<boolean> {
  const row = await warehouse.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM (
       SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()
     ) WHERE name = $name`,
    { name },
  );
  return Number(row?.n ?? 0) > 0;
}

/**
 * The default: the ledger when the warehouse has it, else the event-log fallback. If bringing the ledger up
 * to date fails, the run still allocates, from the event log, and says so in its `name`.
 */
export class AutoPositions implements PositionSource {
  private chosen: PositionSource | null = null;
  private reason = '';

  get name(): string {
    return `${this.chosen?.name ?? 'auto'}${this.reason}`;
  }

  async prepare(warehouse: Warehouse): Promise<void> {
    if (this.chosen === null) {
      const ledger =
        (await hasRelation(warehouse, 'inventory_positions')) &&
        (await hasRelation(warehouse, 'ledger_watermark'));
      this.chosen = ledger ? new LedgerPositions() : new EventLogPositions();
    }
    try {
      await this.chosen.prepare(warehouse);
    } catch (error) {
      if (!(this.chosen instanceof LedgerPositions)) throw error;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      this.reason = ` (ledger refresh failed: ${message})`;
      this.chosen = new EventLogPositions();
    }
  }

  read(warehouse: Warehouse, skus: readonly string[]): Promise<PositionInfo[]> {
    if (this.chosen === null) throw new Error('AutoPositions.read before prepare');
    return this.chosen.read(warehouse, skus);
  }
}

export function defaultPositions(): PositionSource {
  return new AutoPositions();
}
