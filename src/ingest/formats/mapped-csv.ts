/**
 * `mapped-csv`: any CSV (a 3PL's stock report, a store system's export) landed through a small mapping
 * file, validated by zod: which event type every row is, and for each contract field where its value comes
 * from (a column, a constant, or a template of columns), with value maps, date formats and time zones, and
 * unit conversions (cases to units). The header is checked once against the mapping: a file that lacks a
 * mapped column, or has columns the mapping does not know, is one file-level reject naming them.
 */
import fs from 'node:fs';
import * as z from 'zod';
import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type EventType,
  type FieldKind,
  fieldKinds,
  isLineEventType,
  lineFieldKinds,
} from '../../contracts/index.ts';
import { UserError } from '../../warehouse/errors.ts';
import { RecordAssembler } from '../readers/records.ts';
import type { InputChunk, ReadContext } from '../readers/types.ts';
import type { InputItem } from '../stage.ts';
import { checkDateFormat, parseDate, SPECIAL_FORMATS } from './dates.ts';
import { headerProblem, isRow, readTable } from './table.ts';

const constant = z.union([z.string(), z.number(), z.boolean()]);

const columnSource = z.strictObject({
  column: z.string().min(1),
  /** Cell text → value (`{"Y": true, "N": false}`, `{"LIS": "DC-LIS"}`); a cell not listed stays as it is. */
  values: z.record(z.string(), constant).optional(),
  /** The value of an empty cell. */
  default: constant.optional(),
  /** How a date or time is written (`DD/MM/YYYY HH:mm`, `M/D/YY h:mm A`, or iso, epoch_s, epoch_ms, excel). */
  date_format: z.string().min(1).max(64).optional(),
  /** The zone of dates written without one: `Z`, `+01:00` or an IANA name (default `Z`). */
  timezone: z.string().min(1).max(64).optional(),
  /** Unit conversion: the number is multiplied by this (12 for cases of 12), then divided by `divide`. */
  multiply: z.number().positive().optional(),
  divide: z.number().positive().optional(),
  /** Rounding after a conversion to a whole number of units (default: a fraction is an error). */
  round: z.enum(['nearest', 'down', 'up']).optional(),
  /** Numbers written with a decimal comma (`1.234,50`). */
  decimal_comma: z.boolean().optional(),
});

const fieldSource = z.union([
  columnSource,
  z.strictObject({ value: constant }),
  /** `{Column}` placeholders, e.g. `3pl-{Warehouse}-{SKU}-{Date}` (for deterministic event ids). */
  z.strictObject({ template: z.string().min(1).max(512) }),
]);

export const mappingFileSchema = z.strictObject({
  /** The event type of every row. */
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  delimiter: z.string().length(1).default(','),
  /** Lines before the header (a report's title block). */
  skip_lines: z.number().int().min(0).max(1000).default(0),
  /** Contract field (line fields too, for orders and purchase orders) → where its value comes from. */
  fields: z.record(z.string(), fieldSource),
  /** Columns the file has that the mapping deliberately leaves out. */
  ignore_columns: z.array(z.string()).default([]),
  /** Other columns: a header mismatch (`reject`, default) or left out (`ignore`). */
  extra_columns: z.enum(['reject', 'ignore']).default('reject'),
});

export type MappingFile = z.output<typeof mappingFileSchema> & { path: string };
type FieldSource = z.output<typeof fieldSource>;
type ColumnSource = z.output<typeof columnSource>;

/** Reads and checks a mapping file (UserError naming every problem). */
export function loadMapping(file: string): MappingFile {
  if (!fs.existsSync(file)) throw new UserError(`No such mapping file: ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = mappingFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      `${file}: not a mapping file:\n${parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`).join('\n')}`,
    );
  }
  const mapping = { ...parsed.data, path: file };
  const problems = mappingProblems(mapping);
  if (problems.length > 0) throw new UserError(`${file}: ${problems.join('; ')}`);
  return mapping;
}

function mappingProblems(mapping: MappingFile): string[] {
  const problems: string[] = [];
  const kinds = fieldKinds(mapping.type);
  const lineKinds = lineFieldKinds(mapping.type);
  const shape = EVENT_SCHEMAS[mapping.type].shape as Record<string, { _zod: { optin?: string } }>;
  for (const field of Object.keys(mapping.fields)) {
    if (field === 'type' || field === 'lines' || (!kinds.has(field) && !lineKinds.has(field))) {
      problems.push(`"${field}" is not a field of ${mapping.type}`);
    }
  }
  const required = [
    ...[...kinds.keys()].filter(
      (field) => field !== 'type' && field !== 'lines' && shape[field]?._zod.optin !== 'optional',
    ),
    ...lineKinds.keys(),
  ];
  const missing = required.filter((field) => !(field in mapping.fields));
  if (missing.length > 0)
    problems.push(`${mapping.type} needs ${missing.join(', ')}: map them (a column, a value or a template)`);
  for (const [field, source] of Object.entries(mapping.fields)) {
    if ('column' in source && source.date_format !== undefined) {
      try {
        checkDateFormat({ format: source.date_format, timezone: source.timezone ?? 'Z' });
      } catch (error) {
        problems.push(`${field}: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}

/** Columns the mapping reads (its required header). */
export function mappedColumns(mapping: MappingFile): string[] {
  const columns = new Set<string>();
  for (const source of Object.values(mapping.fields)) {
    if ('column' in source) columns.add(source.column);
    if ('template' in source)
      for (const match of source.template.matchAll(/\{([^{}]+)\}/g)) columns.add(match[1]!);
  }
  return [...columns];
}

export function mappedCsvReader(mapping: MappingFile) {
  return async function* read(context: ReadContext): AsyncIterable<InputChunk> {
    const required = mappedColumns(mapping);
    const known =
      mapping.extra_columns === 'ignore' ? undefined : new Set([...required, ...mapping.ignore_columns]);
    let problem: InputItem | undefined;
    const counter = { bytes: () => 0 };
    const rows = readTable(
      context.path,
      { delimiter: mapping.delimiter, skipLines: mapping.skip_lines },
      (columns) => {
        problem = headerProblem(context.path, columns, required, known, `the mapping ${mapping.path}`);
      },
      counter,
    );
    const assembler = new RecordAssembler(mapping.type);
    const kinds = fieldKinds(mapping.type);
    const lineKinds = lineFieldKinds(mapping.type);
    let items: InputItem[] = [];
    for await (const entry of rows) {
      if (problem) {
        if (problem.line !== undefined && mapping.skip_lines > 0) problem.line = mapping.skip_lines + 1;
        yield { items: [problem], position: counter.bytes() };
        return;
      }
      if (!isRow(entry)) {
        items.push(entry);
        continue;
      }
      const cells: Record<string, unknown> = { type: mapping.type };
      const errors: string[] = [];
      for (const [field, source] of Object.entries(mapping.fields)) {
        const kind = kinds.get(field) ?? lineKinds.get(field) ?? 'string';
        const value = fieldValue(source, entry.cells, kind, field === 'occurred_at', errors, field);
        if (value !== undefined) cells[field] = value;
      }
      if (errors.length > 0) {
        items.push({
          line: entry.line,
          raw: JSON.stringify(entry.cells),
          readError: {
            path: '',
            code: 'conversion_failed',
            message: `line ${entry.line}: ${errors.join('; ')}`,
          },
        });
      } else {
        items.push(...(await assembler.push({ line: entry.line, cells })));
      }
      if (items.length >= 2048) {
        yield { items, position: counter.bytes() };
        items = [];
      }
    }
    if (problem) {
      yield { items: [problem], position: counter.bytes() };
      return;
    }
    if (items.length > 0) yield { items, position: counter.bytes() };
    if (isLineEventType(mapping.type)) {
      for await (const assembled of assembler.finish()) yield { items: assembled, position: counter.bytes() };
    }
  };
}

function fieldValue(
  source: FieldSource,
  cells: Record<string, string>,
  kind: FieldKind,
  timestamp: boolean,
  errors: string[],
  field: string,
): unknown {
  if ('value' in source) return source.value;
  if ('template' in source)
    return source.template.replace(/\{([^{}]+)\}/g, (_, column: string) => (cells[column] ?? '').trim());
  return fromColumn(source, cells[source.column] ?? '', kind, timestamp, errors, field);
}

function fromColumn(
  source: ColumnSource,
  rawCell: string,
  kind: FieldKind,
  timestamp: boolean,
  errors: string[],
  field: string,
): unknown {
  const text = rawCell.trim();
  if (text === '') return source.default;
  if (source.values && Object.hasOwn(source.values, text)) return source.values[text];
  if (source.date_format !== undefined) {
    const iso = parseDate(text, { format: source.date_format, timezone: source.timezone ?? 'Z' }, timestamp);
    if (iso === undefined) {
      errors.push(
        `${source.column} ${JSON.stringify(text)} is not a date in the format ${source.date_format}${(SPECIAL_FORMATS as readonly string[]).includes(source.date_format) ? '' : ` (${field})`}`,
      );
    }
    return iso;
  }
  const numeric = kind === 'number' || source.multiply !== undefined || source.divide !== undefined;
  if (!numeric) return text;
  const normalised = source.decimal_comma
    ? text.replace(/[.\s]/g, '').replace(',', '.')
    : text.replace(/[,\s]/g, '');
  let number = Number(normalised);
  if (normalised === '' || !Number.isFinite(number)) {
    errors.push(`${source.column} ${JSON.stringify(text)} is not a number (${field})`);
    return undefined;
  }
  if (source.multiply !== undefined) number *= source.multiply;
  if (source.divide !== undefined) number /= source.divide;
  // Float noise of a conversion (0.1 × 3) is not a fraction of a unit.
  number = Math.round(number * 1e9) / 1e9;
  if (source.round === 'nearest') number = Math.round(number);
  else if (source.round === 'down') number = Math.floor(number);
  else if (source.round === 'up') number = Math.ceil(number);
  return number === 0 ? 0 : number;
}
