import type { Warehouse } from '../warehouse/warehouse.ts';

/** Anything that runs a query with named parameters: the warehouse, or an API reader connection. */
export interface Reader {
  all(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]>;
}

/** The warehouse as a Reader. DuckDB wants exactly the parameters a statement names: give no extras. */
export function warehouseReader(warehouse: Warehouse): Reader {
  return {
    all: (sql, params) =>
      Object.keys(params).length === 0 ? warehouse.all(sql) : warehouse.all(sql, params as never),
  };
}
