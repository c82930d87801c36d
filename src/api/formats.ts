import { type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import {
  Bool,
  type DataType,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { formatRows, toJsonValue } from '../format/rows.ts';

export const RESULT_FORMATS = ['json', 'csv', 'arrow'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export const MEDIA_TYPES: Record<ResultFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
};

export interface Tabular {
  columns: string[];
  types: DuckDBType[];
  rows: Record<string, unknown>[];
}

export function toCsv(result: Tabular): string {
  return formatRows(result.columns, result.rows, 'csv');
}

/** DuckDB column type → the Arrow type it is sent as, and how to convert a JS value for it. */
function arrowColumn(type: DuckDBType): { arrow: DataType; convert: (value: unknown) => unknown } {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { arrow: new Bool(), convert: (value) => value };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return { arrow: new Int32(), convert: (value) => value };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return {
        arrow: new Int64(),
        convert: (value) => (value === null ? null : BigInt(value as number | bigint)),
      };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
      return { arrow: new Float64(), convert: (value) => (value === null ? null : Number(value)) };
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
      return {
        arrow: new TimestampMillisecond('UTC'),
        convert: (value) => (value instanceof Date ? value.getTime() : value === null ? null : Number(value)),
      };
    default:
      return {
        arrow: new Utf8(),
        convert: (value) => {
          const plain = toJsonValue(value);
          return plain === null ? null : typeof plain === 'object' ? JSON.stringify(plain) : String(plain);
        },
      };
  }
}

/** The result as an Arrow IPC stream (one record batch). */
export function toArrow(result: Tabular): Uint8Array {
  const vectors = Object.fromEntries(
    result.columns.map((column, index) => {
      const { arrow, convert } = arrowColumn(result.types[index]!);
      const values = result.rows.map((row) => convert(row[column] ?? null));
      return [column, vectorFromArray(values, arrow)];
    }),
  );
  return tableToIPC(new Table(vectors), 'stream');
}
