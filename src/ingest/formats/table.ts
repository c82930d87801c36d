/**
 * Rows of a delimited text file with a header (CSV, or tab-separated reports), streamed, with their line
 * numbers, and the header checked once: a file that lacks columns the format needs is one file-level
 * reject naming the missing and unknown columns, not a reject per row.
 */
import { parse } from 'csv-parse';
import { openText } from '../readers/open.ts';
import type { InputItem } from '../stage.ts';

export interface TableRow {
  line: number;
  cells: Record<string, string>;
}

export interface TableOptions {
  delimiter?: string;
  /** false for formats that never quote (Amazon's flat files: a `"` is part of the text). */
  quote?: boolean;
  /** Lines before the header (a report's title block). */
  skipLines?: number;
}

/** Streams the rows; `header` receives the column names first (it may stop the read by returning false). */
export async function* readTable(
  path: string,
  options: TableOptions,
  onHeader: (columns: string[]) => void,
  counter: { bytes: () => number },
): AsyncIterable<TableRow | InputItem> {
  const { stream, bytesRead } = openText(path);
  counter.bytes = bytesRead;
  const skip = options.skipLines ?? 0;
  const parser = stream.pipe(
    parse({
      delimiter: options.delimiter ?? ',',
      ...(options.quote === false ? { quote: false } : {}),
      columns: (header: string[]) => {
        const columns = header.map((name) => name.trim());
        onHeader(columns);
        return columns;
      },
      from_line: skip + 1,
      info: true,
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      relax_column_count_less: true,
    }),
  );
  const skipped: InputItem[] = [];
  parser.on('skip', (error: Error & { code?: string; lines?: number; raw?: string }) => {
    skipped.push({
      line: error.lines,
      raw: (error.raw ?? '').slice(0, 4096),
      readError: { path: '', code: (error.code ?? 'csv_error').toLowerCase(), message: error.message },
    });
  });
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    yield { line: info.lines, cells: record };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}

export function isRow(value: TableRow | InputItem): value is TableRow {
  return 'cells' in value;
}

/** The file-level reject for a header that does not fit, or undefined when it does. */
export function headerProblem(
  file: string,
  columns: readonly string[],
  required: readonly string[],
  known: ReadonlySet<string> | undefined,
  what: string,
): InputItem | undefined {
  const present = new Set(columns);
  const missing = required.filter((column) => !present.has(column));
  const unknown = known === undefined ? [] : columns.filter((column) => !known.has(column));
  if (missing.length === 0 && unknown.length === 0) return undefined;
  const parts = [];
  if (missing.length > 0) parts.push(`missing columns ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
  if (unknown.length > 0) parts.push(`unknown columns ${unknown.map((c) => JSON.stringify(c)).join(', ')}`);
  return {
    line: 1,
    raw: JSON.stringify({ file, header: columns }),
    readError: {
      path: 'header',
      code: 'header_mismatch',
      message: `the header of ${file} does not match ${what}: ${parts.join('; ')}. No row of the file was read.`,
    },
  };
}
