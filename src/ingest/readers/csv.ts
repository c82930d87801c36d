import { isAscii, isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse';
import { escapeInvalidUtf8, findInvalidUtf8 } from '../../contracts/unicode.ts';
import type { InputItem } from '../stage.ts';
import { invalidEncodingItem } from './encoding.ts';
import { openText } from './open.ts';
import { RecordAssembler, typeFromFileName } from './records.ts';
import type { InputChunk, ReadContext } from './types.ts';

const ROWS_PER_CHUNK = 2048;

/**
 * Rows are parsed as latin1, which maps every byte to one character and back without loss (CSV's delimiters,
 * quotes and newlines are ASCII, so the split is the same as on UTF-8). Each row's bytes are then checked and
 * decoded as UTF-8 here: a row that is not UTF-8 is refused with its bytes, never decoded to U+FFFD.
 */
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
 * broken quoting) or a row that is not UTF-8 becomes an `unreadable` reject
 * with its line number (a row that is not UTF-8 keeps its exact bytes); the
 * rows around it still land.
 */
export async function* readCsv(context: ReadContext): AsyncIterable<InputChunk> {
  const { stream, bytesRead } = openText(context.path);
  const assembler = new RecordAssembler(typeFromFileName(context.path));
  const parser = stream.pipe(
    parse({
      columns: (header: string[]) => header.map((name, index) => headerName(name, index)),
      info: true,
      raw: true,
      // latin1 (see CsvRecord); the UTF-8 byte-order mark is stripped from the first header name instead.
      encoding: 'latin1',
      bom: false,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  let items: InputItem[] = [];
  parser.on('skip', (error: CsvSkip) => {
    const raw = utf8OrEscaped(Buffer.from(error.raw ?? '', 'latin1')).slice(0, 4096);
    items.push({
      line: error.lines !== undefined ? error.lines - newlinesIn(raw) : undefined,
      raw,
      readError: { path: '', code: (error.code ?? 'csv_error').toLowerCase(), message: error.message },
    });
  });
  let rows = 0;
  for await (const { record, raw: latin1, info } of parser as AsyncIterable<CsvRecord>) {
    const bytes = Buffer.from(latin1, 'latin1');
    // info.lines is where the record ends; a quoted field may span lines (newlines are ASCII either way).
    const line = info.lines - newlinesIn(latin1);
    if (isAscii(bytes)) {
      items.push(...(await assembler.push({ line, cells: record })));
    } else if (isUtf8(bytes)) {
      const cells: Record<string, string> = {};
      for (const [column, cell] of Object.entries(record)) cells[column] = fromLatin1(cell);
      items.push(...(await assembler.push({ line, cells })));
    } else {
      const row = bytes.subarray(0, bytes.length - trailingNewlineBytes(bytes));
      items.push(invalidEncodingItem(row, findInvalidUtf8(row)!, line, 'the row'));
    }
    if (++rows % ROWS_PER_CHUNK === 0) {
      yield { items, position: bytesRead() };
      items = [];
    }
  }
  if (items.length > 0) yield { items, position: bytesRead() };
  for await (const assembled of assembler.finish()) yield { items: assembled, position: bytesRead() };
}

const LATIN1_BOM = '\u00ef\u00bb\u00bf';

/** A header name as UTF-8 text (a name that is not UTF-8 is escaped: it matches no field, and rows say so). */
function headerName(latin1: string, index: number): string {
  const name = index === 0 && latin1.startsWith(LATIN1_BOM) ? latin1.slice(LATIN1_BOM.length) : latin1;
  return utf8OrEscaped(Buffer.from(name, 'latin1')).trim();
}

function fromLatin1(cell: string): string {
  return Buffer.from(cell, 'latin1').toString('utf8');
}

function utf8OrEscaped(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : escapeInvalidUtf8(bytes);
}

/** Bytes of the line break (LF, CRLF or a lone CR) that ends a record's raw bytes, if any. */
function trailingNewlineBytes(raw: Buffer): number {
  let end = raw.length;
  if (raw[end - 1] === 0x0a) end--;
  if (raw[end - 1] === 0x0d) end--;
  return raw.length - end;
}

/** Newlines inside a record's raw text, not counting the one that ends it. */
function newlinesIn(raw: string): number {
  const body = raw.replace(/\r?\n$/, '');
  let count = 0;
  for (let index = body.indexOf('\n'); index !== -1; index = body.indexOf('\n', index + 1)) count++;
  return count;
}
