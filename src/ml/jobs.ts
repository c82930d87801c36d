import type { Warehouse } from '../warehouse/warehouse.ts';
import { ModelRegistry } from './registry/registry.ts';
import { predictWarehouse, trainWarehouseModel } from './warehouse/service.ts';

/** What a forecasting job gets from the scheduler (src/jobs runs inside the server, which owns the file). */
export interface ForecastJobContext {
  warehouse: Warehouse;
  /** The server's serialized writer (ApiContext.exclusive); absent when the process is the only writer. */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
  /** The model registry's folder (default models/). */
  modelsDir?: string;
}

/** A scheduled job as data (ARCHITECTURE.md: `{id, schedule, timeout, preventOverlap, run}`). */
export interface ForecastJob {
  id: string;
  /** cron expression (node-cron, 5 fields), UTC */
  schedule: string;
  /** milliseconds before the scheduler gives up on a run */
  timeout: number;
  /** skip a tick while the previous run is still going */
  preventOverlap: boolean;
  description: string;
  run: (context: ForecastJobContext) => Promise<unknown>;
}

/**
 * Retrain weekly (Sunday 03:00), score daily (03:30). Both are safe to re-run.
 * - Training writes no warehouse table (only models/ files), so it reads through a connection of its own
 *   and never holds the writer: ingest keeps flowing during the minutes it takes. The new version is
 *   activated only when it beat seasonal naive on the holdout (else it stays a candidate).
 * - Scoring writes `forecast_runs`, `forecast_history` and `demand_signals` on the warehouse's write
 *   connection (its temp tables live there), so the whole run goes through the serialized writer.
 */
export const FORECAST_JOBS: readonly ForecastJob[] = [
  {
    id: 'forecast-train',
    schedule: '0 3 * * 0',
    timeout: 60 * 60_000,
    preventOverlap: true,
    description: 'retrain the demand model on the last two years (retailos forecast train)',
    run: async ({ warehouse, modelsDir }) => {
      const connection = await warehouse.connect();
      try {
        return await trainWarehouseModel(
          { connection },
          {
            registry: new ModelRegistry(modelsDir),
            historyDays: 730,
            horizon: 28,
            kinds: ['node', 'channel'],
            holdout: true,
            activate: 'auto',
          },
        );
      } finally {
        connection.closeSync();
      }
    },
  },
  {
    id: 'forecast-predict',
    schedule: '30 3 * * *',
    timeout: 20 * 60_000,
    preventOverlap: true,
    description:
      'forecast every series with the active model and run demand sensing (retailos forecast predict)',
    run: ({ warehouse, exclusive, modelsDir }) => {
      const work = () => predictWarehouse(warehouse, { registry: new ModelRegistry(modelsDir) });
      return exclusive ? exclusive(work) : work();
    },
  },
];
