import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import type { Frequency } from './frequency.ts';
import { frequencyConstants } from './frequency.ts';
import { readMlSql, renderSql } from './sql.ts';

/** Feature rows in columns: ids and label as typed arrays, features as float32 (the ONNX input type). */
export interface FeatureRows {
  n: number;
  seriesId: Int32Array;
  originT: Int32Array;
  h: Int32Array;
  targetT: Int32Array;
  /** NaN when the target period is in the future or was a stockout (sales understate demand). */
  label: Float64Array;
  /** The series' recent level (mean over the base window), for scaled targets. */
  scale: Float64Array;
  featureNames: string[];
  columns: Float32Array[];
}

const ID_COLUMNS = ['series_id', 'origin_t', 'h', 'target_t', 'label', 'scale'] as const;

/**
 * Turns the loaded inputs (ml_demand, ml_series) into per-series lists: ml_history and the hierarchy
 * aggregates. Run once after loading; feature rows for any set of origins are then built from them.
 */
export async function prepareHistory(connection: DuckDBConnection): Promise<void> {
  await connection.run(readMlSql('ml_macros'));
  for (const name of ['ml_history', 'ml_location_history', 'ml_group_history']) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${name} AS ${readMlSql(name)}`);
  }
}

/**
 * Builds the feature rows for the origins in `ml_origins`: ml_state (state at each origin), then
 * ml_rows (origins × horizons), streamed chunk by chunk into typed arrays. Needs `prepareHistory`.
 * Rows come sorted by (series, origin, h) — training needs a deterministic order — unless `ordered` is
 * false (scoring, where each row is used on its own).
 */
export async function buildFeatureRows(
  connection: DuckDBConnection,
  frequency: Frequency,
  options: { ordered?: boolean } = {},
): Promise<FeatureRows> {
  const constants = frequencyConstants(frequency);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ml_state AS ${renderSql(readMlSql('ml_state'), constants)}`,
  );
  const order = (options.ordered ?? true) ? '\nORDER BY series_id, origin_t, h' : '';
  const sql = `${renderSql(readMlSql('ml_rows'), constants)}${order}`;
  const rows = await readColumns(connection, sql);
  await connection.run('DROP TABLE IF EXISTS ml_state');
  return rows;
}

async function readColumns(connection: DuckDBConnection, sql: string): Promise<FeatureRows> {
  const result = await connection.stream(sql);
  const names = result.columnNames();
  for (const [i, name] of ID_COLUMNS.entries()) {
    if (names[i] !== name) throw new Error(`ml_rows: column ${i} must be ${name}, is ${names[i]}`);
  }
  const featureNames = names.slice(ID_COLUMNS.length);
  const chunks: { size: number; vectors: DuckDBVector[] }[] = [];
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const vectors: DuckDBVector[] = [];
    for (let c = 0; c < names.length; c++) vectors.push(chunk.getColumnVector(c));
    chunks.push({ size: chunk.rowCount, vectors });
    n += chunk.rowCount;
  }
  const out: FeatureRows = {
    n,
    seriesId: new Int32Array(n),
    originT: new Int32Array(n),
    h: new Int32Array(n),
    targetT: new Int32Array(n),
    label: new Float64Array(n),
    scale: new Float64Array(n),
    featureNames,
    columns: featureNames.map(() => new Float32Array(n)),
  };
  let offset = 0;
  for (const { size, vectors } of chunks) {
    copyInto(vectors[0]!, out.seriesId, offset, size);
    copyInto(vectors[1]!, out.originT, offset, size);
    copyInto(vectors[2]!, out.h, offset, size);
    copyInto(vectors[3]!, out.targetT, offset, size);
    copyInto(vectors[4]!, out.label, offset, size);
    copyInto(vectors[5]!, out.scale, offset, size);
    for (let f = 0; f < featureNames.length; f++)
      copyInto(vectors[ID_COLUMNS.length + f]!, out.columns[f]!, offset, size);
    offset += size;
  }
  return out;
}

/**
 * Copies a result column into a typed array, NULL → NaN. Numeric vectors of @duckdb/node-api 1.5 keep
 * their values in a typed array (`items`) and NULLs in a 64-bit validity mask whose public accessor
 * does BigInt arithmetic per value; reading both directly is ~10× faster for the millions of values a
 * training set has. Anything else goes through the public `getItem`.
 */
function copyInto(
  vector: DuckDBVector,
  target: Float32Array | Float64Array | Int32Array,
  offset: number,
  size: number,
): void {
  const raw = vector as unknown as {
    items?: unknown;
    validity?: { data?: BigUint64Array | null; offset?: number };
  };
  const items = raw.items;
  const validity = raw.validity;
  if (
    (items instanceof Float32Array || items instanceof Float64Array || items instanceof Int32Array) &&
    validity !== undefined &&
    (validity.offset ?? 0) === 0
  ) {
    const mask = validity.data;
    if (!mask) {
      for (let i = 0; i < size; i++) target[offset + i] = items[i]!;
      return;
    }
    const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
    for (let i = 0; i < size; i++)
      target[offset + i] = (words[i >>> 5]! >>> (i & 31)) & 1 ? items[i]! : Number.NaN;
    return;
  }
  for (let i = 0; i < size; i++) {
    const value = vector.getItem(i);
    target[offset + i] = value === null ? Number.NaN : Number(value);
  }
}

/** Keeps the rows where `keep(i)` is true (e.g. the labelled ones, for training). */
export function filterRows(rows: FeatureRows, keep: (i: number) => boolean): FeatureRows {
  const index: number[] = [];
  for (let i = 0; i < rows.n; i++) if (keep(i)) index.push(i);
  const pick = <T extends Float32Array | Float64Array | Int32Array>(array: T): T => {
    const out = new (array.constructor as new (n: number) => T)(index.length);
    for (let k = 0; k < index.length; k++) out[k] = array[index[k]!]!;
    return out;
  };
  return {
    n: index.length,
    seriesId: pick(rows.seriesId),
    originT: pick(rows.originT),
    h: pick(rows.h),
    targetT: pick(rows.targetT),
    label: pick(rows.label),
    scale: pick(rows.scale),
    featureNames: rows.featureNames,
    columns: rows.columns.map(pick),
  };
}
