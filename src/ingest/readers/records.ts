import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  coerceCell,
  type EventType,
  type FieldKind,
  fieldKinds,
  isEventType,
  isLineEventType,
  lineFieldKinds,
} from '../../contracts/index.ts';
import type { InputItem } from '../stage.ts';

/** One tabular row (CSV or Parquet) with its 1-based line/row number. */
export interface RecordRow {
  line: number;
  /** Column → cell. CSV cells are strings; Parquet cells keep their column type. */
  cells: Record<string, unknown>;
}

interface PendingEvent {
  eventId: unknown;
  type: EventType;
  line: number;
  header: Record<string, unknown>;
  lines: Record<string, unknown>[];
  rows: Record<string, unknown>[];
  disagreements: string[];
}

/**
 * Turns flat rows into events, as EVENTS.md defines for CSV and Parquet: the
 * type comes from a `type` column or the file name; orders and purchase
 * orders arrive one row per line, and all rows sharing an `event_id` form one
 * event, wherever they stand in the file. Cells are coerced by the kinds the
 * zod schemas declare, and anything that does not fit is left as it is so
 * validation reports it.
 *
 * Rows of line events are spooled (`LineSpool`) and assembled when the source
 * ends, so an order whose rows are scattered lands whole, never in parts.
 */
export class RecordAssembler {
  private pending: PendingEvent | undefined;
  private spool: LineSpool | undefined;

  constructor(private readonly fileType: EventType | undefined) {}

  async push(row: RecordRow): Promise<InputItem[]> {
    const typeCell = row.cells.type;
    const type = typeof typeCell === 'string' && typeCell !== '' ? typeCell : this.fileType;
    if (type !== undefined && isEventType(type) && isLineEventType(type)) {
      this.spool ??= await LineSpool.open();
      this.spool.add(row, type);
      return [];
    }
    return [this.single(row, type)];
  }

  /** Assembles the spooled line events, grouped by event id, a bounded chunk at a time. */
  async *finish(): AsyncIterable<InputItem[]> {
    if (!this.spool) return;
    try {
      for await (const rows of this.spool.drain()) {
        const items: InputItem[] = [];
        for (const { row, type } of rows) {
          const eventId = row.cells.event_id;
          if (this.pending && (this.pending.eventId !== eventId || this.pending.type !== type)) {
            items.push(this.flushPending());
          }
          this.addLineRow(row, type);
        }
        if (items.length > 0) yield items;
      }
      if (this.pending) yield [this.flushPending()];
    } finally {
      this.spool.close();
      this.spool = undefined;
    }
  }

  private single(row: RecordRow, type: string | undefined): InputItem {
    const kinds = type !== undefined && isEventType(type) ? fieldKinds(type) : undefined;
    const event: Record<string, unknown> = {};
    if (type !== undefined) event.type = type;
    for (const [column, cell] of Object.entries(row.cells)) {
      if (column === 'type') continue;
      const value = coerce(kinds?.get(column), cell);
      if (value !== undefined) event[column] = value;
    }
    return { line: row.line, raw: JSON.stringify(event), value: event };
  }

  private addLineRow(row: RecordRow, type: EventType): void {
    const kinds = fieldKinds(type);
    const lineKinds = lineFieldKinds(type);
    const header: Record<string, unknown> = { type };
    const line: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(row.cells)) {
      if (column === 'type') continue;
      const lineKind = lineKinds.get(column);
      if (lineKind !== undefined) {
        const value = coerce(lineKind, cell);
        if (value !== undefined) line[column] = value;
      } else {
        const value = coerce(kinds.get(column), cell);
        if (value !== undefined) header[column] = value;
      }
    }
    if (!this.pending) {
      this.pending = {
        eventId: row.cells.event_id,
        type,
        line: row.line,
        header,
        lines: [],
        rows: [],
        disagreements: [],
      };
    } else {
      for (const key of new Set([...Object.keys(header), ...Object.keys(this.pending.header)])) {
        if (JSON.stringify(header[key]) !== JSON.stringify(this.pending.header[key])) {
          this.pending.disagreements.push(
            `row at line ${row.line} has ${key}=${JSON.stringify(header[key] ?? null)}, ` +
              `but the event's first row (line ${this.pending.line}) has ${JSON.stringify(this.pending.header[key] ?? null)}`,
          );
        }
      }
    }
    this.pending.lines.push(line);
    this.pending.rows.push(row.cells);
  }

  private flushPending(): InputItem {
    const pending = this.pending!;
    this.pending = undefined;
    const event = { ...pending.header, lines: pending.lines };
    const item: InputItem = { line: pending.line, raw: JSON.stringify(event), value: event };
    if (pending.disagreements.length > 0) {
      item.readError = {
        path: '',
        code: 'inconsistent_rows',
        message: `rows of one ${pending.type} event disagree on header fields: ${pending.disagreements.join('; ')}`,
      };
    }
    return item;
  }
}

/** The event type a file is named after (`receipt.csv`, `order_placed.part-3.parquet`), if any. */
export function typeFromFileName(filePath: string): EventType | undefined {
  const base = filePath.split(/[\\/]/).pop() ?? '';
  const stem = base.split('.')[0] ?? '';
  return isEventType(stem) ? stem : undefined;
}

function coerce(kind: FieldKind | undefined, cell: unknown): unknown {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') return coerceCell(kind ?? 'string', cell);
  if (typeof cell === 'bigint') return Number(cell);
  return cell;
}

const SPOOL_CHUNK_ROWS = 2048;

/**
 * Rows of line events (orders, purchase orders) set aside until the source
 * ends, in a private DuckDB that spills to a temp directory, so a file of
 * any size is grouped by event id without holding it in memory.
 */
class LineSpool {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly appender: DuckDBAppender,
    private readonly tempDir: string,
  ) {}

  static async open(): Promise<LineSpool> {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-spool-'));
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: '256MB',
      temp_directory: tempDir,
    });
    const connection = await instance.connect();
    await connection.run('CREATE TABLE spool (event_id VARCHAR, type VARCHAR, line BIGINT, cells VARCHAR)');
    const appender = await connection.createAppender('spool');
    return new LineSpool(instance, connection, appender, tempDir);
  }

  add(row: RecordRow, type: EventType): void {
    const eventId = row.cells.event_id;
    if (eventId === null || eventId === undefined) this.appender.appendNull();
    else this.appender.appendVarchar(String(eventId));
    this.appender.appendVarchar(type);
    this.appender.appendBigInt(BigInt(row.line));
    this.appender.appendVarchar(JSON.stringify(row.cells));
    this.appender.endRow();
  }

  /** The rows grouped by (event id, type), each group in line order. */
  async *drain(): AsyncIterable<{ row: RecordRow; type: EventType }[]> {
    this.appender.flushSync();
    this.appender.closeSync();
    const result = await this.connection.stream(
      'SELECT type, line, cells FROM spool ORDER BY event_id NULLS LAST, type, line',
    );
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.getRows().map(([type, line, cells]) => ({
        type: type as EventType,
        row: { line: Number(line), cells: JSON.parse(cells as string) as Record<string, unknown> },
      }));
      for (let start = 0; start < rows.length; start += SPOOL_CHUNK_ROWS) {
        yield rows.slice(start, start + SPOOL_CHUNK_ROWS);
      }
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
