import { DuckDBInstance } from '@duckdb/node-api';
import { DAILY } from '../features/frequency.ts';
import { loadSeries, type SeriesInput } from '../features/load-series.ts';
import type { ForecasterConfig } from '../forecaster/gbdt-forecaster.ts';
import { bySeries, type ModelRun, type StageListener, trainAndForecast } from '../forecaster/run.ts';
import type { Hierarchy } from './hierarchy.ts';
import { loadM5Calendar } from './load.ts';
import type { M5Aggregates } from './wide.ts';

/** A daily history: values[k] is day start + k. */
export interface DayHistory {
  start: number;
  values: Float64Array;
}

/**
 * Each node's history through `origin`: the full-history aggregate where it reaches, then the sums of
 * its level-9 members' item totals (`bottomSums`, days from `bottomStart`) — the aggregates end at
 * d_1913, the item file may run further. Without aggregates, the item sums alone.
 */
export function nodeHistories(
  hierarchy: Hierarchy,
  aggregates: M5Aggregates | undefined,
  bottomSums: { start: number; values: readonly Float64Array[] } | undefined,
  origin: number,
): DayHistory[] {
  return hierarchy.nodes.map((node) => {
    const itemSum = (day: number): number => {
      if (!bottomSums) throw new Error(`no history for d_${day} of ${node.key}`);
      let sum = 0;
      for (const m of node.members) sum += bottomSums.values[m]![day - bottomSums.start] ?? Number.NaN;
      return sum;
    };
    const full = aggregates?.levels.get(node.level)?.get(node.key);
    const start = full && aggregates ? aggregates.firstDay : bottomSums!.start;
    const values = new Float64Array(origin - start + 1);
    for (let d = start; d <= origin; d++) {
      values[d - start] =
        full && aggregates && d <= aggregates.lastDay ? full[d - aggregates.firstDay]! : itemSum(d);
    }
    return { start, values };
  });
}

/** One global model over the series of some levels of the hierarchy. */
export interface AggregateModelSpec {
  name: string;
  levels: readonly number[];
  config: ForecasterConfig;
  plan: { origins: number; spacing: number; keepPerMille: number };
}

/**
 * Trains one GBDT on the nodes of `spec.levels` (units / recent level: series of any size share it)
 * and forecasts `horizon` days after `origin` through its ONNX export. Returns a forecast per node of
 * those levels (undefined for the others) and the run.
 */
export async function forecastNodes(
  hierarchy: Hierarchy,
  histories: readonly DayHistory[],
  calendarFile: string,
  origin: number,
  horizon: number,
  spec: AggregateModelSpec,
  options: { threads?: number; onStage?: StageListener } = {},
): Promise<{ forecasts: (Float64Array | undefined)[]; run: ModelRun }> {
  const chosen = hierarchy.nodes.flatMap((node, i) => (spec.levels.includes(node.level) ? [i] : []));
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads ?? 2) });
  const connection = await instance.connect();
  try {
    const series: SeriesInput[] = chosen.map((i) => {
      const node = hierarchy.nodes[i]!;
      return {
        key: `${node.level}:${node.key}`,
        location: node.location,
        category: node.category,
        region: node.region,
        start: histories[i]!.start,
        values: histories[i]!.values,
      };
    });
    await loadSeries(connection, series, [], { future: horizon });
    await loadM5Calendar(connection, calendarFile);
    // nodes spanning all states see how many states have SNAP that day
    await connection.run(`
      INSERT INTO ml_region_days
      SELECT 'ALL', t, (coalesce(snap_CA, 0) + coalesce(snap_TX, 0) + coalesce(snap_WI, 0))::INTEGER FROM m5_days`);
    const run = await trainAndForecast(
      connection,
      DAILY,
      { lastT: origin, horizon, ...spec.plan },
      spec.config,
      { threads: options.threads ?? 1, ...(options.onStage ? { onStage: options.onStage } : {}) },
    );
    const rows = bySeries(run.scoring, run.mean, chosen.length, horizon);
    const forecasts: (Float64Array | undefined)[] = hierarchy.nodes.map(() => undefined);
    chosen.forEach((nodeIndex, k) => {
      forecasts[nodeIndex] = rows[k];
    });
    return { forecasts, run };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
