/**
 * Turns query results into text: an aligned table for people, JSON (one array
 * of row objects, numbers as numbers) and CSV for machines. The table rounds what
 * it shows (no 16-digit floats, no "Infinity"); JSON and CSV keep every digit.
 * The human formats of single figures (units, money, days, dates) are re-exported
 * from src/format/human.ts so every command formats them alike.
 */
export {
  formatDate,
  formatDateTime,
  formatDays,
  formatDaysSpread,
  formatDecimal,
  formatMoney,
  formatPacks,
  formatPercent,
  formatPerDay,
  formatUnits,
  MISSING,
  plural,
} from './human.ts';

export type OutputFormat = 'table' | 'json' | 'csv';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

/** A DuckDB JS value as plain JSON: bigint → number, Date → ISO text, nested values recursively. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonValue(inner)]));
  }
  return value;
}

/** Decimals a table shows at most (under 1; 2 from 1 up). */
export const TABLE_DECIMALS = 4;

/**
 * A number as a table shows it: integers as they are; others rounded to 2 decimals from 1 up, to 3
 * significant digits (at most 4 decimals) under 1, so 0.0123 stays visible; unbounded ones as ∞.
 */
export function tableNumber(value: number): string {
  if (Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value)) return String(value);
  const scale = 10 ** TABLE_DECIMALS;
  const rounded =
    Math.abs(value) >= 1
      ? Math.round(value * 100) / 100
      : Math.round(Number(value.toPrecision(3)) * scale) / scale;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** A value as CSV text: every digit kept. */
function csvCell(value: unknown): string {
  const plain = toJsonValue(value);
  if (plain === null) return '';
  if (typeof plain === 'object') return JSON.stringify(plain);
  return String(plain);
}

/** A value as a table cell: numbers rounded for reading, also inside nested values. */
function cellText(value: unknown): string {
  if (typeof value === 'number') return tableNumber(value);
  const plain = toJsonValue(value);
  if (plain !== null && typeof plain === 'object') {
    return JSON.stringify(plain, (_key, inner: unknown) =>
      typeof inner === 'number' && !Number.isInteger(inner) ? Number(tableNumber(inner)) : inner,
    );
  }
  return plain === null ? '' : String(plain);
}

/** Text that reads as a figure ("1,234", "$12.50", "94.1%", "3 d", "0.8/day", "–"): aligned right. */
const FIGURE = /^(?:[-+]?\$?\d[\d,]*(?:\.\d+)?(?:%| d|\/day)?|–|∞)$/;

export function formatRows(columns: string[], rows: Record<string, unknown>[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows.map((row) => toJsonValue(row)))}\n`;
    case 'csv':
      return `${[columns, ...rows.map((row) => columns.map((column) => csvCell(row[column])))]
        .map((cells) => cells.map(csvEscape).join(','))
        .join('\n')}\n`;
    default:
      return formatTable(columns, rows);
  }
}

const MAX_CELL_WIDTH = 60;

export function formatTable(columns: string[], rows: Record<string, unknown>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const text = cellText(row[column]).replace(/\s+/g, ' ');
      return text.length > MAX_CELL_WIDTH ? `${text.slice(0, MAX_CELL_WIDTH - 1)}…` : text;
    }),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => row[index]!.length)),
  );
  const numeric = columns.map(
    (column, index) =>
      rows.every((row) => row[column] === null || ['number', 'bigint'].includes(typeof row[column])) ||
      cells.every((row) => row[index] === '' || FIGURE.test(row[index]!)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => (numeric[index] ? value.padStart(widths[index]!) : value.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  const out = [line(columns), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

function csvEscape(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
