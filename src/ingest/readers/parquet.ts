import { DuckDBInstance } from '@duckdb/node-api';
import type { InputItem } from '../stage.ts';
import { RecordAssembler, typeFromFileName } from './records.ts';
import type { InputChunk, ReadContext } from './types.ts';

/**
 * Reads a Parquet file with the same columns as the CSV format, chunk by
 * chunk through a private in-memory DuckDB (the warehouse connection stays
 * free for landing). Timestamps and dates are turned into ISO-8601 text in
 * SQL so they validate exactly like JSON input; the position is the row count.
 */
export async function* readParquet(context: ReadContext): AsyncIterable<InputChunk> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const described = await connection.runAndReadAll('DESCRIBE SELECT * FROM read_parquet($path)', {
      path: context.path,
    });
    const columns = described.getRowObjectsJS() as { column_name: string; column_type: string }[];
    const select = columns.map(({ column_name: name, column_type: type }) => {
      const quoted = `"${name.replaceAll('"', '""')}"`;
      if (type.startsWith('TIMESTAMP')) {
        // ISO-8601 in UTC, with a fraction only when there is one.
        const utc = type.includes('TIME ZONE') ? quoted : `${quoted}::TIMESTAMPTZ`;
        return `strftime(${utc}, CASE WHEN microsecond(${utc}) % 1000000 = 0 THEN '%Y-%m-%dT%H:%M:%SZ'
                ELSE '%Y-%m-%dT%H:%M:%S.%fZ' END) AS ${quoted}`;
      }
      if (type === 'DATE') return `strftime(${quoted}, '%Y-%m-%d') AS ${quoted}`;
      // A local time of day (carrier_cutoff): HH:MM, with seconds only when there are some.
      if (type === 'TIME') {
        return `CASE WHEN second(${quoted}) = 0 THEN strftime(DATE '2000-01-01' + ${quoted}, '%H:%M')
                ELSE ${quoted}::VARCHAR END AS ${quoted}`;
      }
      if (type.startsWith('DECIMAL') || type === 'HUGEINT') return `${quoted}::DOUBLE AS ${quoted}`;
      return quoted;
    });
    const result = await connection.stream(`SELECT ${select.join(', ')} FROM read_parquet($path)`, {
      path: context.path,
    });
    const names = result.columnNames();
    const assembler = new RecordAssembler(typeFromFileName(context.path));
    let row = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const items: InputItem[] = [];
      const rows = chunk.getRows();
      for (const values of rows) {
        row++;
        const cells: Record<string, unknown> = {};
        names.forEach((name, index) => {
          cells[name] = toPlain(values[index]);
        });
        items.push(...(await assembler.push({ line: row, cells })));
      }
      yield { items, position: row };
    }
    for await (const assembled of assembler.finish()) yield { items: assembled, position: row };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Total rows of a Parquet file, from its footer (for the progress bar). */
export async function parquetRowCount(filePath: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      'SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata($path)',
      { path: filePath },
    );
    const rows = reader.getRowObjectsJS() as { n: bigint | null }[];
    connection.closeSync();
    return Number(rows[0]?.n ?? 0);
  } finally {
    instance.closeSync();
  }
}

function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && value !== null && 'items' in value) {
    // DuckDBListValue → array of plain values
    return (value as { items: unknown[] }).items.map(toPlain);
  }
  if (typeof value === 'object' && value !== null && 'toString' in value && !Array.isArray(value)) {
    return String(value);
  }
  return value;
}
