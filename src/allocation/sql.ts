import fs from 'node:fs';
import path from 'node:path';
import { SQL_DIR } from '../warehouse/config.ts';

/** The allocator's queries: one file per query in `sql/allocation/`, named parameters (`$day`). */
export const ALLOCATION_SQL_DIR = path.join(SQL_DIR, 'allocation');

export type AllocationQuery =
  | 'as_of'
  | 'claims'
  | 'order_lines'
  | 'run_claims'
  | 'run_lines'
  | 'nodes'
  | 'lanes'
  | 'channels'
  | 'items'
  | 'positions'
  | 'positions_from_events'
  | 'held_orders'
  | 'order_allocation'
  | 'order_explanations'
  | 'order_exceptions'
  | 'demand_history'
  | 'demand_window'
  | 'demand_forecasts'
  | 'next_inbound';

const cache = new Map<AllocationQuery, string>();

/** The text of `sql/allocation/<name>.sql` (comments kept, trailing semicolon dropped). */
export function allocationSql(name: AllocationQuery): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = fs
      .readFileSync(path.join(ALLOCATION_SQL_DIR, `${name}.sql`), 'utf8')
      .trim()
      .replace(/;\s*$/, '');
    cache.set(name, sql);
  }
  return sql;
}
