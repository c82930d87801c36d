/**
 * Streaming writers for the simulator's output, hashing every file as it is written (sha256 in the
 * manifest). JSON Lines: `00-master.jsonl` (the opening master data), then `events-YYYY-MM.jsonl` per month
 * of arrival, in arrival order. CSV: one `<type>.csv` per event type, orders and purchase orders one row per
 * line (an order or PO delivered twice: its repeat in `<type>.redelivered-<n>.csv`), `node_ids` as `a|b`. Parquet: the CSV files converted by an in-memory DuckDB, every column text
 * (the Parquet reader coerces cells by the contract's field kinds, as for CSV).
 *
 * Malformed rows are written through `writeMalformed`, in one of three variants: truncated, a required
 * field missing, a non-numeric quantity (Parquet: the last two only).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type Event, type EventType, fieldKinds, isLineEventType, LINE_FIELDS } from '../contracts/index.ts';
import type { Format } from './params.ts';

export interface OutputFile {
  /** Name inside the output directory. */
  name: string;
  bytes: number;
  /** Lines (JSONL) or data rows (CSV, Parquet). */
  rows: number;
  sha256: string;
}

export const MALFORMED_VARIANTS = ['truncated', 'missing-field', 'bad-value'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

export interface EventWriter {
  /** Starts a section of the output (`master`, or the `YYYY-MM` month events arrive in). */
  section(name: string): void;
  write(event: Event): void;
  /** The same event delivered again. */
  writeDuplicate(event: Event): void;
  writeMalformed(event: Event, variant: MalformedVariant): void;
  close(): Promise<OutputFile[]>;
}

const FLUSH_CHARS = 1 << 20;

/** One output file: text gathered up to ~1 MiB, then encoded and written synchronously, hashed on the way. */
export class HashedFile {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  bytes = 0;
  rows = 0;

  constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    this.fd = fs.openSync(path.join(dir, name), 'w');
  }

  append(text: string, rows = 1): void {
    this.rows += rows;
    this.pending += text;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.hash.update(chunk);
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) offset += fs.writeSync(this.fd, chunk, offset);
  }

  close(): OutputFile {
    this.flush();
    fs.closeSync(this.fd);
    return { name: this.name, bytes: this.bytes, rows: this.rows, sha256: this.hash.digest('hex') };
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSON Lines

export class JsonlWriter implements EventWriter {
  private current: HashedFile | undefined;
  private readonly done: OutputFile[] = [];

  constructor(private readonly dir: string) {}

  section(name: string): void {
    const file = name === 'master' ? '00-master.jsonl' : `events-${name}.jsonl`;
    if (this.current?.name === file) return;
    if (this.current) this.done.push(this.current.close());
    this.current = new HashedFile(this.dir, file);
  }

  write(event: Event): void {
    this.current!.append(`${JSON.stringify(event)}\n`);
  }

  writeDuplicate(event: Event): void {
    this.write(event);
  }

  /** A line already serialised (the fast path: see `DayBuffer`). */
  writeLine(line: string): void {
    this.current!.append(line);
  }

  writeMalformed(event: Event, variant: MalformedVariant): void {
    const record = { ...event } as Record<string, unknown>;
    let line: string;
    if (variant === 'truncated') {
      const text = JSON.stringify(record);
      line = text.slice(0, Math.floor(text.length * 0.6));
    } else if (variant === 'missing-field') {
      delete record.qty;
      line = JSON.stringify(record);
    } else {
      record.qty = `${String(record.qty)} units`;
      line = JSON.stringify(record);
    }
    this.current!.append(`${line}\n`);
  }

  async close(): Promise<OutputFile[]> {
    if (this.current) this.done.push(this.current.close());
    this.current = undefined;
    return this.done;
  }
}

// ---------------------------------------------------------------------------------------------------------
// CSV (and Parquet through CSV)

/** Columns of a type's CSV file: its fields in contract order, `lines` replaced by the line fields. */
export function csvColumns(type: EventType): string[] {
  const columns: string[] = [];
  for (const [field, kind] of fieldKinds(type)) {
    if (kind === 'lines') {
      if (isLineEventType(type)) columns.push(...LINE_FIELDS[type]);
    } else {
      columns.push(field);
    }
  }
  return columns;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return escapeCsv(value.join('|'));
  if (typeof value === 'string') return escapeCsv(value);
  return String(value);
}

function escapeCsv(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface TypeFile {
  file: HashedFile;
  columns: string[];
  /** Line events: columns that come from each line. */
  lineColumns: Set<string>;
}

/**
 * One `<type>.csv` per event type. All rows sharing an `event_id` in a file form one event, so an order or
 * PO delivered twice cannot repeat in its file: its repeat goes to `<type>.redelivered-<n>.csv` (the n-th
 * redelivery of that event), as a re-sent export would.
 */
export class CsvWriter implements EventWriter {
  private readonly files = new Map<string, TypeFile>();
  private readonly redeliveries = new Map<string, number>();

  constructor(private readonly dir: string) {}

  section(_name: string): void {}

  private fileOf(type: EventType, name = `${type}.csv`): TypeFile {
    let entry = this.files.get(name);
    if (!entry) {
      const columns = csvColumns(type);
      const file = new HashedFile(this.dir, name);
      file.append(`${columns.join(',')}\n`, 0);
      entry = { file, columns, lineColumns: new Set(isLineEventType(type) ? LINE_FIELDS[type] : []) };
      this.files.set(name, entry);
    }
    return entry;
  }

  private append(entry: TypeFile, event: Event): void {
    const record = event as unknown as Record<string, unknown>;
    if (entry.lineColumns.size === 0) {
      entry.file.append(`${entry.columns.map((column) => cell(record[column])).join(',')}\n`);
      return;
    }
    const lines = record.lines as Record<string, unknown>[];
    let text = '';
    for (const line of lines) {
      const cells = entry.columns.map((column) =>
        cell(entry.lineColumns.has(column) ? line[column] : record[column]),
      );
      text += `${cells.join(',')}\n`;
    }
    entry.file.append(text, lines.length);
  }

  write(event: Event): void {
    this.append(this.fileOf(event.type), event);
  }

  writeDuplicate(event: Event): void {
    if (!isLineEventType(event.type)) {
      this.write(event);
      return;
    }
    const n = (this.redeliveries.get(event.event_id) ?? 0) + 1;
    this.redeliveries.set(event.event_id, n);
    this.append(this.fileOf(event.type, `${event.type}.redelivered-${n}.csv`), event);
  }

  writeMalformed(event: Event, variant: MalformedVariant): void {
    const entry = this.fileOf(event.type);
    const record = { ...event } as Record<string, unknown>;
    if (variant === 'truncated') {
      const cells = entry.columns.map((column) => cell(record[column]));
      entry.file.append(`${cells.slice(0, Math.ceil(cells.length / 2)).join(',')}\n`);
      return;
    }
    if (variant === 'missing-field') delete record.qty;
    else record.qty = `${String(record.qty)} units`;
    entry.file.append(`${entry.columns.map((column) => cell(record[column])).join(',')}\n`);
  }

  async close(): Promise<OutputFile[]> {
    const out = [...this.files.values()].map((entry) => entry.file.close());
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** CSV into a scratch directory, converted to `<type>.parquet` in the output directory on close. */
export class ParquetWriter implements EventWriter {
  private readonly csv: CsvWriter;

  constructor(
    private readonly scratch: string,
    private readonly dir: string,
  ) {
    this.csv = new CsvWriter(scratch);
  }

  section(name: string): void {
    this.csv.section(name);
  }

  write(event: Event): void {
    this.csv.write(event);
  }

  writeDuplicate(event: Event): void {
    this.csv.writeDuplicate(event);
  }

  writeMalformed(event: Event, variant: MalformedVariant): void {
    // a truncated row cannot go through DuckDB's CSV reader: use a missing field instead
    this.csv.writeMalformed(event, variant === 'truncated' ? 'missing-field' : variant);
  }

  async close(): Promise<OutputFile[]> {
    const csvFiles = await this.csv.close();
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const out: OutputFile[] = [];
    try {
      const connection = await instance.connect();
      for (const file of csvFiles) {
        const source = path.join(this.scratch, file.name);
        const name = file.name.replace(/\.csv$/, '.parquet');
        const target = path.join(this.dir, name);
        await connection.run(
          `COPY (SELECT * FROM read_csv(${sqlText(source)}, header = true, all_varchar = true, delim = ',',
             quote = '"', escape = '"', auto_detect = true))
           TO ${sqlText(target)} (FORMAT parquet)`,
        );
        const bytes = fs.readFileSync(target);
        out.push({
          name,
          bytes: bytes.length,
          rows: file.rows,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
        fs.rmSync(source);
      }
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
    return out;
  }
}

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function createWriter(format: Format, dir: string, scratch: string): EventWriter {
  if (format === 'jsonl') return new JsonlWriter(dir);
  if (format === 'csv') return new CsvWriter(dir);
  return new ParquetWriter(scratch, dir);
}
