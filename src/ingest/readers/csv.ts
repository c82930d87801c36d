import { parse } from 'csv-parse';
import type { InputItem } from '../stage.ts';
import { openText } from './open.ts';
import { RecordAssembler, typeFromFileName } from './records.ts';
import type { InputChunk, ReadContext } from './types.ts';

const ROWS_PER_CHUNK = 2048;

interface CsvRecord {
  record: Record<string, string>;
  raw: string;
  info: { lines: number };
}

interface CsvSkip extends Error {
  code?: string;
  lines?: number;
  raw?: string;
}

/**
 * Reads a CSV file with a header row. A malformed row (wrong column count,
 * broken quoting) becomes an `unreadable` reject with its line number; the
 * rows around it still land.
 */
export async function* readCsv(context: ReadContext): AsyncIterable<InputChunk> {
  const { stream, bytesRead } = openText(context.path);
  const assembler = new RecordAssembler(typeFromFileName(context.path));
  const parser = stream.pipe(
    parse({
      columns: (header: string[]) => header.map((name) => name.trim()),
      info: true,
      raw: true,
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  let items: InputItem[] = [];
  parser.on('skip', (error: CsvSkip) => {
    const raw = (error.raw ?? '').slice(0, 4096);
    items.push({
      line: error.lines !== undefined ? error.lines - newlinesIn(raw) : undefined,
      raw,
      readError: { path: '', code: (error.code ?? 'csv_error').toLowerCase(), message: error.message },
    });
  });
  let rows = 0;
  for await (const { record, raw, info } of parser as AsyncIterable<CsvRecord>) {
    // info.lines is where the record ends; a quoted field may span lines.
    const line = info.lines - newlinesIn(raw);
    items.push(...(await assembler.push({ line, cells: record })));
    if (++rows % ROWS_PER_CHUNK === 0) {
      yield { items, position: bytesRead() };
      items = [];
    }
  }
  if (items.length > 0) yield { items, position: bytesRead() };
  for await (const assembled of assembler.finish()) yield { items: assembled, position: bytesRead() };
}

/** Newlines inside a record's raw text, not counting the one that ends it. */
function newlinesIn(raw: string): number {
  const body = raw.replace(/\r?\n$/, '');
  let count = 0;
  for (let index = body.indexOf('\n'); index !== -1; index = body.indexOf('\n', index + 1)) count++;
  return count;
}
