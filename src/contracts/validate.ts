/**
 * Validation entry point for incoming events: picks the schema by `type` (no discriminated-union scan) and
 * reports every problem as a flat list of `{ path, message, code }`.
 */
import * as z from 'zod';
import {
  type CrossFieldRule,
  EVENT_RULES,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type Event,
  type EventType,
} from './events.ts';
import { describeValue } from './primitives.ts';
import { escapeUnsafe } from './unicode.ts';
import { WORKFLOW_EVENT_SCHEMAS } from './workflow-events.ts';

export interface ValidationIssue {
  /** Dotted path of the offending field (`lines.0.qty`, `occurred_at`); `''` for the event itself. */
  path: string;
  message: string;
  /** Zod issue code (`invalid_type`, `too_small`, `invalid_format`, …) or `unknown_type`. */
  code: string;
}

export type ValidationResult = { ok: true; event: Event } | { ok: false; errors: ValidationIssue[] };

type AnyEventSchema = (typeof EVENT_SCHEMAS)[EventType];

/**
 * The event schemas, ahead-of-time compiled by zod (`z.compile`): a valid event takes a generated fast path,
 * an invalid one falls back to the regular parser, which produces the issues. A schema zod cannot compile is
 * returned unchanged, so results never differ from `EVENT_SCHEMAS[type].safeParse`.
 */
const SCHEMAS: ReadonlyMap<string, AnyEventSchema> = new Map(
  (Object.entries({ ...EVENT_SCHEMAS, ...WORKFLOW_EVENT_SCHEMAS }) as [EventType, AnyEventSchema][]).map(
    ([type, schema]) => [type, z.compile(schema)],
  ),
);

const EXPECTED_TYPES = `expected one of: ${EVENT_TYPES.join(', ')}`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function failure(path: string, code: string, message: string): ValidationResult {
  return { ok: false, errors: [{ path, code, message }] };
}

/** Validates one raw event (already JSON-decoded or coerced from CSV). */
export function validateEvent(input: unknown): ValidationResult {
  if (!isPlainObject(input)) {
    return failure('', 'invalid_type', `expected a JSON object, got ${describeValue(input)}`);
  }
  const type = input.type;
  const schema = typeof type === 'string' ? SCHEMAS.get(type) : undefined;
  if (schema === undefined) return typeFailure(type);

  const result = schema.safeParse(input);
  if (result.success) return { ok: true, event: result.data as Event };
  const issues = withRuleIssues(result.error.issues, EVENT_RULES[type as EventType], input);
  return { ok: false, errors: toValidationIssues(issues, input) };
}

/**
 * Inside a schema, cross-field rules only run when every field is valid. To report every error at once, run
 * the rules that did not run (or did not fail) whose own fields are valid against the raw input.
 */
function withRuleIssues(
  issues: readonly z.core.$ZodIssue[],
  rules: readonly CrossFieldRule[] | undefined,
  input: Record<string, unknown>,
): readonly z.core.$ZodIssue[] {
  if (rules === undefined) return issues;
  let all = issues;
  for (const rule of rules) {
    const applicable = !issues.some(
      (issue) =>
        (issue.code === 'custom' && issue.params?.rule === rule.id) ||
        rule.fields.includes(issue.path[0] as string),
    );
    if (!applicable) continue;
    for (const found of rule.find(input)) {
      if (all === issues) all = [...issues];
      (all as z.core.$ZodIssue[]).push({
        code: 'custom',
        path: found.path,
        message: found.message,
        params: { rule: rule.id },
      });
    }
  }
  return all;
}

function typeFailure(type: unknown): ValidationResult {
  if (type === undefined) return failure('type', 'invalid_type', 'required');
  if (typeof type !== 'string') {
    return failure(
      'type',
      'invalid_type',
      `expected an event type name (string), got ${describeValue(type)}`,
    );
  }
  const suggestion = suggestType(type);
  const hint = suggestion === undefined ? '' : `did you mean "${suggestion}"? `;
  return failure(
    'type',
    'unknown_type',
    `unknown event type ${describeValue(type)} (${hint}${EXPECTED_TYPES})`,
  );
}

/** Closest event type name to a misspelt one (case or separator slips, or at most 2 edits), if any. */
function suggestType(type: string): EventType | undefined {
  if (type.length > 64) return undefined;
  const normalised = type
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  let best: EventType | undefined;
  let bestDistance = 3;
  for (const candidate of EVENT_TYPES) {
    if (candidate === normalised) return candidate;
    const distance = editDistance(normalised, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `lines.0.qty`; a key that is not printable text (an unknown field named `\u0000`) is escaped. */
function joinPath(path: readonly PropertyKey[]): string {
  return path.map((key) => escapeUnsafe(String(key))).join('.');
}

/** Whether the value at `path` inside `input` is absent (missing key or `undefined`). */
function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === undefined;
}

/** Maps zod issues to `ValidationIssue`s: one per issue, and one per key for unrecognised keys. */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], input?: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: joinPath([...issue.path, key]),
          code: issue.code,
          message: 'unknown field',
        });
      }
      continue;
    }
    // a missing field: the same issue whatever the field's type (zod says `invalid_value` for enums)
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && isAbsent(input, issue.path)) {
      out.push({ path: joinPath(issue.path), code: 'invalid_type', message: 'required' });
    } else {
      out.push({ path: joinPath(issue.path), code: issue.code, message: escapeUnsafe(issue.message) });
    }
  }
  return out;
}

/** `lines.0.qty: expected …; occurred_at: required` */
export function formatIssues(errors: readonly ValidationIssue[]): string {
  return errors
    .map((error) => (error.path === '' ? error.message : `${error.path}: ${error.message}`))
    .join('; ');
}
