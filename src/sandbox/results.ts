import type { DuckDBPreparedStatement, DuckDBType } from '@duckdb/node-api';
import { toJsonValue } from '../format/rows.ts';
import { AnalystQueryError } from '../warehouse/query.ts';

export interface CappedResult {
  columns: string[];
  types: DuckDBType[];
  rows: Record<string, unknown>[];
  /** More rows than `maxRows` existed; the rest were not read. */
  truncated: boolean;
  /** Size of the rows as JSON text: what the byte cap measures. */
  bytes: number;
}

export interface ResultCaps {
  maxRows: number;
  maxBytes: number;
}

/**
 * Streams a statement's result one DuckDB chunk (≤ 2,048 rows) at a time and keeps at most `maxRows`
 * rows and `maxBytes` bytes of them (measured as JSON text, the same whatever format is sent): past the
 * byte cap the query stops with `too_large`, so neither DuckDB nor this process ever holds more than the
 * cap and one chunk of a result. `stillWanted` is asked per chunk (it throws once the time is up).
 */
export async function readCapped(
  statement: DuckDBPreparedStatement,
  caps: ResultCaps,
  stillWanted: () => void = () => {},
): Promise<CappedResult> {
  const result = await statement.stream();
  const columns = result.deduplicatedColumnNames();
  const types = result.columnTypes();
  const rows: Record<string, unknown>[] = [];
  let bytes = 0;
  let truncated = false;
  reading: for await (const chunk of result.yieldRowObjectJs()) {
    stillWanted();
    for (const row of chunk) {
      if (rows.length >= caps.maxRows) {
        truncated = true;
        break reading;
      }
      bytes += Buffer.byteLength(JSON.stringify(toJsonValue(row))) + 1;
      if (bytes > caps.maxBytes) {
        throw new AnalystQueryError(
          `The result is larger than ${formatBytes(caps.maxBytes)} (the limit for one answer; stopped after ` +
            `${rows.length.toLocaleString('en-US')} rows): select fewer columns, aggregate, or page with LIMIT/OFFSET.`,
          'too_large',
        );
      }
      rows.push(row);
    }
  }
  return { columns, types, rows, truncated, bytes };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
