/**
 * Shared fixtures of the ledger tests: event builders, landing through the real validator and lander, and
 * readers that turn DuckDB values into plain, comparable JS (numbers, ISO strings).
 */
import { isReject, stageItem } from '../../../src/ingest/stage.ts';
import { runAssertions } from '../../../src/warehouse/assertions.ts';
import { EventLander, type StagedEvent, toColumns } from '../../../src/warehouse/landing.ts';
import type { Warehouse } from '../../../src/warehouse/warehouse.ts';

export type EventBody = Record<string, unknown>;

/** `2024-01-<day>T<hh>:<mm>:00Z` (day 1..28; larger days roll into the following months). */
export function at(day: number, hour = 0, minute = 0): string {
  return new Date(Date.UTC(2024, 0, day, hour, minute)).toISOString().replace('.000Z', 'Z');
}

/** An event of `type` at `occurredAt`, with a readable generated id unless `event_id` is given. */
export class EventFactory {
  private next = 1;
  constructor(private readonly prefix = 'e') {}

  make(type: string, occurredAt: string, fields: EventBody): EventBody {
    return { event_id: `${this.prefix}${this.next++}-${type}`, type, occurred_at: occurredAt, ...fields };
  }

  item(
    sku: string,
    unitCost: number,
    listPrice: number,
    occurredAt = at(1),
    extra: EventBody = {},
  ): EventBody {
    return this.make('item_upserted', occurredAt, {
      sku,
      name: `Item ${sku}`,
      category: 'apparel',
      unit_cost: unitCost,
      list_price: listPrice,
      ...extra,
    });
  }

  node(nodeId: string, extra: EventBody = {}, occurredAt = at(1)): EventBody {
    return this.make('node_upserted', occurredAt, {
      node_id: nodeId,
      name: `Node ${nodeId}`,
      node_type: 'dc',
      region: 'east',
      can_ship: true,
      can_pickup: false,
      ...extra,
    });
  }
}

/** Validates `events` like ingest does and lands them, in the given (arrival) order, as one batch. */
export async function land(warehouse: Warehouse, events: readonly EventBody[]): Promise<void> {
  if (events.length === 0) return;
  const staged = events.map((event) => stageItem({ raw: JSON.stringify(event) }));
  const bad = staged.filter(isReject);
  if (bad.length > 0) throw new Error(`fixture event invalid: ${JSON.stringify(bad[0])}`);
  await new EventLander(warehouse).land(
    { kind: 'file', name: 'given' },
    [toColumns(staged as StagedEvent[])],
    [],
  );
}

/** A DuckDB value as plain JS: bigint → number, Date → ISO string, DECIMAL (a number already) as is. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

export async function rows(warehouse: Warehouse, sql: string): Promise<Record<string, unknown>[]> {
  return (await warehouse.all(sql)).map((row) => plain(row) as Record<string, unknown>);
}

/** Positions of one (sku, node), the columns most tests care about. */
export async function position(
  warehouse: Warehouse,
  sku: string,
  nodeId: string,
): Promise<Record<string, unknown>> {
  const found = await rows(
    warehouse,
    `SELECT sellable, reserved, available, damaged, quarantine, repair, returns_pending, on_hand, in_transit_in,
            on_order, inventory_value, avg_unit_cost, in_transit_value
     FROM inventory_positions WHERE sku = '${sku}' AND node_id = '${nodeId}'`,
  );
  if (found.length !== 1) throw new Error(`expected one position for ${sku}@${nodeId}, got ${found.length}`);
  return found[0]!;
}

/** The zero position, overridden by `fields` (so expectations state only what moved). */
export function pos(fields: Record<string, number | null>): Record<string, unknown> {
  const base: Record<string, unknown> = {
    sellable: 0,
    reserved: 0,
    available: 0,
    damaged: 0,
    quarantine: 0,
    repair: 0,
    returns_pending: 0,
    on_hand: 0,
    in_transit_in: 0,
    on_order: 0,
    inventory_value: 0,
    avg_unit_cost: null,
    in_transit_value: 0,
  };
  const merged = { ...base, ...fields };
  if (!('available' in fields)) merged.available = (merged.sellable as number) - (merged.reserved as number);
  if (!('on_hand' in fields)) {
    merged.on_hand = ['sellable', 'damaged', 'quarantine', 'repair', 'returns_pending'].reduce(
      (sum, key) => sum + (merged[key] as number),
      0,
    );
  }
  return merged;
}

/** Names of the sql/tests assertions that fail (with their first rows), to assert `toEqual([])`. */
export async function failingAssertions(warehouse: Warehouse): Promise<{ name: string; rows: unknown }[]> {
  return (await runAssertions(warehouse))
    .filter((result) => result.violations.length > 0)
    .map((result) => ({ name: result.name, rows: plain(result.violations.slice(0, 3)) }));
}

/** Everything order independence compares: positions, movements (with values) and exceptions. */
export interface LedgerSnapshot {
  positions: Record<string, unknown>[];
  movements: Record<string, unknown>[];
  availability: Record<string, unknown>[];
  exceptions: Record<string, unknown>[];
}

export async function ledgerSnapshot(warehouse: Warehouse): Promise<LedgerSnapshot> {
  return {
    positions: await rows(
      warehouse,
      'SELECT * EXCLUDE (last_movement_at) FROM inventory_positions ORDER BY ALL',
    ),
    movements: await rows(
      warehouse,
      `SELECT event_id, posting_no, side, ledger, account, sku, node_id, qty, value, avg_unit_cost, balance_after
       FROM ledger_movements ORDER BY ALL`,
    ),
    availability: await rows(warehouse, 'SELECT * FROM channel_availability ORDER BY ALL'),
    exceptions: await rows(warehouse, 'SELECT * EXCLUDE (event_id) FROM exceptions ORDER BY ALL'),
  };
}

/** Pins the ledger's business clock (overdue checks, ATP, ageing) so results do not depend on today. */
export async function pinClock(warehouse: Warehouse, timestamp: string): Promise<void> {
  await warehouse.run("UPDATE ledger_settings SET value = $ts WHERE key = 'clock'", { ts: timestamp });
}

/** Sets one ledger setting (see ledger_settings). */
export async function setSetting(warehouse: Warehouse, key: string, value: string): Promise<void> {
  await warehouse.run('UPDATE ledger_settings SET value = $value WHERE key = $key', { key, value });
}
