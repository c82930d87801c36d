/**
 * Daily demand per sku × node from a warehouse (units sold at the till plus units shipped to customers),
 * as replay series for `compareRules`: the simulated retailer's own demand, beside M5's, in
 * `replenishment-sim` and `retailos replenish simulate --from-db`.
 */
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { SimSeries } from './simulate.ts';
import { replenishmentSql } from './sql.ts';

interface DemandRow {
  sku: string;
  node_id: string;
  unit_value: number | null;
  demand: number[];
}

export async function loadWarehouseDemand(warehouse: Warehouse): Promise<SimSeries[]> {
  const rows = await warehouse.all<DemandRow>(replenishmentSql('demand_history'));
  return rows.map((row) => ({
    id: `${row.sku}@${row.node_id}`,
    demand: row.demand.map(Number),
    unitValue: Number(row.unit_value ?? 1),
  }));
}
