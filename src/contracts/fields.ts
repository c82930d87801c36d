/**
 * Field kinds for coercing CSV / Parquet cells into JSON values, derived from the event schemas themselves
 * (one source of truth: adding a field to a schema is enough for every reader to pick it up).
 */
import type * as z from 'zod';
import { EVENT_SCHEMAS, type EventType, isLineEventType } from './events.ts';

export type FieldKind = 'string' | 'number' | 'boolean' | 'string[]' | 'lines';

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type SchemaLike = { _zod: { def: z.core.$ZodTypeDef } };

function defOf(schema: SchemaLike): Def {
  return schema._zod.def as Def;
}

/** Strips wrappers that do not change the accepted raw type (optional, nullable, default, pipe, …). */
function unwrap(schema: SchemaLike): SchemaLike {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'nonoptional':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
        current = def.innerType as SchemaLike;
        break;
      case 'pipe': {
        // a pipe accepts what its input side accepts, unless that side is a bare transform (preprocess)
        const input = def.in as SchemaLike;
        current = defOf(input).type === 'transform' ? (def.out as SchemaLike) : input;
        break;
      }
      case 'lazy':
        current = (def.getter as () => SchemaLike)();
        break;
      default:
        return current;
    }
  }
}

function primitiveKind(values: readonly unknown[]): FieldKind | undefined {
  if (values.length > 0 && values.every((v) => typeof v === 'string')) return 'string';
  if (values.length > 0 && values.every((v) => typeof v === 'number')) return 'number';
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'boolean';
  return undefined;
}

/** Kind of one schema, or `undefined` when it has no cell representation. */
function kindOf(schema: SchemaLike): FieldKind | undefined {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'string':
    case 'template_literal':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return primitiveKind(Object.values(def.entries as Record<string, unknown>));
    case 'literal':
      return primitiveKind(def.values as unknown[]);
    case 'union': {
      const kinds = new Set((def.options as SchemaLike[]).map(kindOf));
      return kinds.size === 1 ? [...kinds][0] : undefined;
    }
    case 'array': {
      const element = unwrap(def.element as SchemaLike);
      if (defOf(element).type === 'object') return 'lines';
      return kindOf(element) === 'string' ? 'string[]' : undefined;
    }
    default:
      return undefined;
  }
}

function shapeKinds(shape: Record<string, SchemaLike>, owner: string): ReadonlyMap<string, FieldKind> {
  const kinds = new Map<string, FieldKind>();
  for (const [key, schema] of Object.entries(shape)) {
    const kind = kindOf(schema);
    if (kind === undefined) {
      throw new Error(
        `contracts: cannot derive a field kind for ${owner}.${key} (${defOf(unwrap(schema)).type})`,
      );
    }
    kinds.set(key, kind);
  }
  return kinds;
}

const topLevelCache = new Map<EventType, ReadonlyMap<string, FieldKind>>();
const lineCache = new Map<EventType, ReadonlyMap<string, FieldKind>>();
const EMPTY: ReadonlyMap<string, FieldKind> = new Map();

/** Kinds of the top-level fields of `type`, in schema order (envelope first); `lines` has kind `lines`. */
export function fieldKinds(type: EventType): ReadonlyMap<string, FieldKind> {
  let kinds = topLevelCache.get(type);
  if (kinds === undefined) {
    kinds = shapeKinds(EVENT_SCHEMAS[type].shape, type);
    topLevelCache.set(type, kinds);
  }
  return kinds;
}

/** Kinds of the line fields of a line event type (`order_placed`, `po_created`); empty for other types. */
export function lineFieldKinds(type: EventType): ReadonlyMap<string, FieldKind> {
  if (!isLineEventType(type)) return EMPTY;
  let kinds = lineCache.get(type);
  if (kinds === undefined) {
    const linesSchema = unwrap(EVENT_SCHEMAS[type].shape.lines);
    const element = unwrap(defOf(linesSchema).element as SchemaLike);
    kinds = shapeKinds(defOf(element).shape as Record<string, SchemaLike>, `${type}.lines`);
    lineCache.set(type, kinds);
  }
  return kinds;
}

const NUMBER_RE = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * Converts one CSV / Parquet text cell to the JSON value the schema expects. An empty cell is absent
 * (`undefined`). A cell that does not convert is returned unchanged so validation reports the precise error.
 */
export function coerceCell(kind: FieldKind, raw: string): unknown {
  if (raw === '') return undefined;
  switch (kind) {
    case 'string':
      return raw;
    case 'number': {
      const text = raw.trim();
      if (!NUMBER_RE.test(text)) return raw;
      const value = Number(text);
      if (!Number.isFinite(value)) return raw;
      return value === 0 ? 0 : value; // no -0
    }
    case 'boolean': {
      const word = raw.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return raw;
    }
    case 'string[]': {
      if (raw.trimStart().startsWith('[')) return parseJsonArray(raw);
      return raw.split('|').map((part) => part.trim());
    }
    case 'lines':
      return parseJsonArray(raw);
  }
}

function parseJsonArray(raw: string): unknown {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value : raw;
  } catch {
    return raw;
  }
}
