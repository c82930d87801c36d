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
 * orders arrive one row per line, and consecutive rows sharing an `event_id`
 * form one event. Cells are coerced by the kinds the zod schemas declare, and
 * anything that does not fit is left as it is so validation reports it.
 */
export class RecordAssembler {
  private pending: PendingEvent | undefined;

  constructor(private readonly fileType: EventType | undefined) {}

  push(row: RecordRow): InputItem[] {
    const out: InputItem[] = [];
    const typeCell = row.cells.type;
    const type = typeof typeCell === 'string' && typeCell !== '' ? typeCell : this.fileType;
    if (type !== undefined && isEventType(type) && isLineEventType(type)) {
      const eventId = row.cells.event_id;
      if (this.pending && (this.pending.eventId !== eventId || this.pending.type !== type)) {
        out.push(this.flushPending());
      }
      this.addLineRow(row, type);
      return out;
    }
    if (this.pending) out.push(this.flushPending());
    const kinds = type !== undefined && isEventType(type) ? fieldKinds(type) : undefined;
    const event: Record<string, unknown> = {};
    if (type !== undefined) event.type = type;
    for (const [column, cell] of Object.entries(row.cells)) {
      if (column === 'type') continue;
      const value = coerce(kinds?.get(column), cell);
      if (value !== undefined) event[column] = value;
    }
    out.push({ line: row.line, raw: JSON.stringify(event), value: event });
    return out;
  }

  /** Emits the event still being assembled at the end of the source. */
  finish(): InputItem[] {
    return this.pending ? [this.flushPending()] : [];
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
