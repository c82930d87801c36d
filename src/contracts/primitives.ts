/**
 * Reusable field schemas for the event contract (docs EVENTS.md).
 *
 * Rules shared by every primitive:
 * - no transforms and no defaults: a parsed value is always identical to its input, so the stored payload
 *   equals what was sent;
 * - exactly one issue per bad field (one custom check per primitive), with a human message of the form
 *   `expected <what>, got <value>`; a missing value gives the message `required`.
 */
import * as z from 'zod';
import { type BusinessTimeRole, businessTimeProblem } from './business-time.ts';
import { characterProblem, findLoneSurrogate, type TextKind } from './unicode.ts';

/** Largest number of units a single quantity field may carry. */
export const MAX_QUANTITY = 1_000_000_000;
/** Largest amount a single money field may carry. */
export const MAX_MONEY = 1_000_000_000_000;

const MAX_SHOWN_CHARS = 64;

/** Renders an input value for an error message, keeping it short (long strings are cut). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string': {
      const shown = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value;
      return JSON.stringify(shown);
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** Message for a value of the wrong type (or a missing one). */
export function expectedMessage(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? 'required' : `expected ${what}, got ${describeValue(issue.input)}`;
}

/** Message for an array that is not an array, is empty or is too long. */
export function arrayMessage(what: string, max: number): (issue: { input?: unknown }) => string {
  return (issue) => {
    const input = issue.input;
    if (input === undefined) return 'required';
    if (Array.isArray(input)) {
      return input.length === 0
        ? `expected at least one entry in ${what}, got an empty array`
        : `expected at most ${max} entries in ${what}, got ${input.length}`;
    }
    return `expected ${what}, got ${describeValue(input)}`;
  };
}

// ---------------------------------------------------------------------------------------------------------
// checks
//
// Each primitive is a base type plus ONE custom check that emits at most one issue, with the most useful
// message (zod's built-in checks would report `-1.5` twice: not an integer, and too small). The issue still
// carries zod's code (`too_small`, `too_big`, `invalid_type`, `invalid_format`, `custom`).

/** What is wrong with a value, as found by a primitive's check. */
export type Problem =
  | { code: 'too_small' | 'too_big'; bound: number; message: string }
  | { code: 'invalid_format'; format: string; message: string }
  | { code: 'invalid_type' | 'custom'; message: string };

function toIssue(problem: Problem, input: string | number): z.core.$ZodRawIssue {
  const origin = typeof input === 'string' ? 'string' : 'number';
  const { message } = problem;
  switch (problem.code) {
    case 'too_small':
      return { code: 'too_small', origin, minimum: problem.bound, inclusive: true, input, message };
    case 'too_big':
      return { code: 'too_big', origin, maximum: problem.bound, inclusive: true, input, message };
    case 'invalid_format':
      return { code: 'invalid_format', format: problem.format, input: String(input), message };
    case 'invalid_type':
      return { code: 'invalid_type', expected: 'int', input, message };
    default:
      return { code: 'custom', input, message };
  }
}

/**
 * A custom zod check: `run` pushes the issues, `isValid` is the same verdict as a plain predicate.
 * `z.compile` prefers a custom check's predicate (`def.fn`, as `.refine()` sets it) over its check function, so
 * the compiled fast path gets the verdict without allocating a payload; the runtime parser (which produces the
 * issues) always uses `run`.
 */
export function customCheck<T>(
  run: (payload: z.core.ParsePayload<T>) => void,
  isValid: (value: T) => boolean,
): z.core.$ZodCheck<T> {
  const check = z.check<T>(run);
  (check._zod.def as { fn?: (value: T) => boolean }).fn = isValid;
  return check;
}

/**
 * Adds to `base` a check reporting `problemOf(value)`. `problemOf` must be cheap when the value is valid (build
 * messages only on failure): it runs on every parse.
 */
function checked<T extends z.ZodType<string | number>>(
  base: T,
  problemOf: (value: z.output<T>) => Problem | undefined,
): T {
  const check = customCheck<z.output<T>>(
    (payload) => {
      const problem = problemOf(payload.value);
      if (problem !== undefined) payload.issues.push(toIssue(problem, payload.value));
    },
    (value) => problemOf(value) === undefined,
  );
  return base.check(check) as T;
}

// ---------------------------------------------------------------------------------------------------------
// strings

interface TextSpec {
  /** Noun used in messages: `an identifier`, `a name`, … */
  what: string;
  max: number;
  /**
   * Which characters are allowed (docs/ingestion.md, "Text"): `identifier` refuses every control character and
   * blank values; `text` allows tab, line feed and carriage return. Both refuse lone surrogates.
   */
  kind: TextKind;
}

const NON_BLANK_RE = /\S/;

function text({ what, max, kind }: TextSpec) {
  return checked(z.string({ error: expectedMessage(`${what} (string)`) }), (value) => {
    if (value.length === 0)
      return { code: 'too_small', bound: 1, message: `expected ${what}, got an empty string` };
    if (value.length > max) {
      return {
        code: 'too_big',
        bound: max,
        message: `expected ${what} of at most ${max} characters, got ${value.length} characters`,
      };
    }
    if (!NON_BLANK_RE.test(value)) {
      return { code: 'invalid_format', format: 'regex', message: `expected ${what}, got only whitespace` };
    }
    const problem = characterProblem(value, kind);
    if (problem !== undefined) {
      return {
        code: 'invalid_format',
        format: kind === 'identifier' ? 'identifier' : 'text',
        message: `expected ${what}, got ${describeValue(value)} (${problem})`,
      };
    }
    return undefined;
  });
}

/**
 * Business identifier (`sku`, `node_id`, …): 1..128 chars, case-sensitive, kept as-is, not only whitespace,
 * no control characters, valid Unicode.
 */
export const identifier = text({ what: 'an identifier', max: 128, kind: 'identifier' });
/** Envelope `event_id`: the idempotency key, 1..128 chars, with the rules of an identifier. */
export const eventId = text({ what: 'an event id', max: 128, kind: 'identifier' });
/** Envelope `source`: the sending system, 1..64 chars, with the rules of an identifier. */
export const sourceName = text({ what: 'a source system name', max: 64, kind: 'identifier' });
/** Envelope `actor`: the user behind a workflow event, 1..128 chars, with the rules of an identifier. */
export const actorName = text({ what: 'an actor name', max: 128, kind: 'identifier' });
/** Human label (`name`, `category`, `brand`, `carrier`): 1..256 chars of text, not only whitespace. */
export const label = text({ what: 'a label', max: 256, kind: 'text' });
/** Free-text note (`reason` of workflow events): 1..1000 chars of text, not only whitespace. */
export const note = text({ what: 'a note', max: 1000, kind: 'text' });

/**
 * Adds to a free-form JSON schema (workflow `detail`, `action`, …) the one text rule that applies to any
 * JSON: every string in it, keys included, is valid Unicode (the log must stay readable as JSON by DuckDB).
 */
export function wellFormedJson<T extends z.ZodType>(schema: T): T {
  const check = customCheck<unknown>(
    (payload) => {
      const at = findLoneSurrogate(payload.value);
      if (at === undefined) return;
      payload.issues.push({
        code: 'invalid_format',
        format: 'unicode',
        path: at,
        input: undefined,
        message: 'expected valid Unicode text, got a string with a lone surrogate (not valid Unicode)',
      });
    },
    (value) => findLoneSurrogate(value) === undefined,
  );
  return schema.check(check) as T;
}

// ---------------------------------------------------------------------------------------------------------
// integers

interface IntegerSpec {
  /** Full description used when the value is not a number at all. */
  what: string;
  /** Plural unit used in messages: `units`, `days`. */
  unit: string;
  min: number;
  max: number;
  nonZero?: boolean;
}

function integer({ what, unit, min, max, nonZero = false }: IntegerSpec) {
  return checked(z.number({ error: expectedMessage(what) }), (value) => {
    if (value >= min && value <= max && Number.isInteger(value) && !(nonZero && value === 0))
      return undefined;
    const got = describeValue(value);
    if (value < min) {
      const message =
        min === 1
          ? `expected a positive number of ${unit}, got ${got}`
          : min === 0
            ? `expected a non-negative number of ${unit}, got ${got}`
            : `expected at least ${min} ${unit}, got ${got}`;
      return Number.isInteger(value) ? { code: 'too_small', bound: min, message } : integerProblem(unit, got);
    }
    if (value > max) {
      // an out-of-range fraction is reported as out of range: that is the bigger mistake
      return { code: 'too_big', bound: max, message: `expected at most ${max} ${unit}, got ${got}` };
    }
    if (!Number.isInteger(value)) return integerProblem(unit, got);
    if (nonZero && value === 0)
      return { code: 'custom', message: `expected a non-zero number of ${unit}, got 0` };
    return undefined;
  });
}

function integerProblem(unit: string, got: string): Problem {
  return { code: 'invalid_type', message: `expected an integer number of ${unit}, got ${got}` };
}

/** Quantity of units that must be positive: integer 1..1e9. */
export const quantity = integer({
  what: 'a positive integer number of units',
  unit: 'units',
  min: 1,
  max: MAX_QUANTITY,
});

/** Quantity of units that may be zero: integer 0..1e9. */
export const nonNegativeQuantity = integer({
  what: 'a non-negative integer number of units',
  unit: 'units',
  min: 0,
  max: MAX_QUANTITY,
});

/** Signed quantity (adjustments): integer, not 0, |x| ≤ 1e9. */
export const signedQuantity = integer({
  what: 'a non-zero integer number of units',
  unit: 'units',
  min: -MAX_QUANTITY,
  max: MAX_QUANTITY,
  nonZero: true,
});

/** Whole number of days in `0..max`. */
export function days(max: number) {
  return integer({ what: `a whole number of days (0 to ${max})`, unit: 'days', min: 0, max });
}

// ---------------------------------------------------------------------------------------------------------
// decimals

interface DecimalSpec {
  what: string;
  min: number;
  /** Whether `min` itself is allowed. */
  minInclusive: boolean;
  max: number;
  /** Description used when the value is below the minimum: `a non-negative amount`. */
  tooSmall: string;
}

function decimal({ what, min, minInclusive, max, tooSmall }: DecimalSpec) {
  return checked(z.number({ error: expectedMessage(what) }), (value) => {
    if (minInclusive ? value < min : value <= min) {
      return { code: 'too_small', bound: min, message: `expected ${tooSmall}, got ${describeValue(value)}` };
    }
    if (value > max)
      return { code: 'too_big', bound: max, message: `expected at most ${max}, got ${describeValue(value)}` };
    return undefined;
  });
}

/** Amount of money in the deployment currency: finite number 0..1e12. */
export const money = decimal({
  what: 'an amount of money (number)',
  min: 0,
  minInclusive: true,
  max: MAX_MONEY,
  tooSmall: 'a non-negative amount',
});
/** Amount of money that must be positive: finite number > 0, ≤ 1e12. */
export const positiveMoney = decimal({
  what: 'a positive amount of money (number)',
  min: 0,
  minInclusive: false,
  max: MAX_MONEY,
  tooSmall: 'a positive amount',
});
/** Percentage 0..100 (decimals allowed). */
export const percent = decimal({
  what: 'a percentage (number from 0 to 100)',
  min: 0,
  minInclusive: true,
  max: 100,
  tooSmall: 'a percentage of at least 0',
});

/** A boolean flag (`true`/`false`). */
export const flag = z.boolean({ error: expectedMessage('true or false') });

// ---------------------------------------------------------------------------------------------------------
// dates and times

const TIMESTAMP_FORMAT = 'an ISO-8601 timestamp with offset or Z';
const DATE_FORMAT = 'a date YYYY-MM-DD';
const DATE_OR_TIMESTAMP_FORMAT = 'a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z';

// Hand-rolled scanners rather than a regex with capture groups: timestamps are parsed on every event, and this
// is ~10x faster than `RegExp.exec` + `Number()` on the captures.

const ZERO = 48;

/** Value of the `count` decimal digits at `at`, or -1 if any of them is not a digit. */
function digitsAt(value: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = value.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9 || Number.isNaN(d)) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when year/month/day (1-based month) is a real day of the proleptic Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const last = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= last;
}

/** Problem with the `YYYY-MM-DD` at the start of `value` (`''`: not that shape), or `undefined` if valid. */
function datePartProblem(value: string): string | undefined {
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 0 || month < 0 || day < 0 || value[4] !== '-' || value[7] !== '-') return '';
  return isCalendarDate(year, month, day) ? undefined : `no such date: ${value.slice(0, 10)}`;
}

/** Returns why `value` is not a valid `YYYY-MM-DD` date (`''`: wrong shape), or `undefined` when it is valid. */
export function dateProblem(value: string): string | undefined {
  return value.length === 10 ? datePartProblem(value) : '';
}

/**
 * Returns why `value` is not a valid ISO-8601 timestamp with offset (`''`: wrong shape), or `undefined` when it
 * is valid. Accepted: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM` (1..9 fraction digits).
 */
export function timestampProblem(value: string): string | undefined {
  const length = value.length;
  if (length < 17 || value[10] !== 'T' || value[13] !== ':') return '';
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  if (hour < 0 || minute < 0) return '';
  let at = 16;
  let second = 0;
  if (value[at] === ':') {
    second = digitsAt(value, at + 1, 2);
    if (second < 0) return '';
    at += 3;
    if (value[at] === '.') {
      const start = ++at;
      while (at < length && at - start < 10 && digitsAt(value, at, 1) >= 0) at++;
      if (at === start || at - start > 9) return '';
    }
  }
  let offsetProblem: string | undefined;
  if (at === length) {
    offsetProblem = 'no offset';
  } else if (value[at] === 'Z') {
    if (at + 1 !== length) return '';
  } else if (value[at] === '+' || value[at] === '-') {
    const offsetHours = digitsAt(value, at + 1, 2);
    const offsetMinutes = digitsAt(value, at + 4, 2);
    if (offsetHours < 0 || offsetMinutes < 0 || value[at + 3] !== ':' || at + 6 !== length) return '';
    if (offsetHours > 23 || offsetMinutes > 59) offsetProblem = `no such offset: ${value.slice(at)}`;
  } else {
    return '';
  }
  const dateProblemText = datePartProblem(value);
  if (dateProblemText !== undefined) return dateProblemText;
  if (offsetProblem === 'no offset') return offsetProblem;
  if (hour > 23 || minute > 59 || second > 59) return `no such time: ${value.slice(11, at).split('.')[0]}`;
  return offsetProblem;
}

function formatMessage(format: string, value: string, problem: string): string {
  return `expected ${format}, got ${describeValue(value)}${problem === '' ? '' : ` (${problem})`}`;
}

function formatted(format: string, zodFormat: string, problemOf: (value: string) => string | undefined) {
  return checked(z.string({ error: expectedMessage(format) }), (value) => {
    const problem = problemOf(value);
    if (problem === undefined) return undefined;
    return { code: 'invalid_format', format: zodFormat, message: formatMessage(format, value, problem) };
  });
}

/** ISO-8601 date-time with offset or `Z` (`2024-03-01T10:00:00Z`), kept as given. Format only, no window. */
export const timestamp = formatted(TIMESTAMP_FORMAT, 'datetime', timestampProblem);

/** Calendar date `YYYY-MM-DD`. */
export const dateOnly = formatted(DATE_FORMAT, 'date', dateProblem);

/** Either a calendar date or a timestamp with offset. Format only, no window. */
export const dateOrTimestamp = formatted(DATE_OR_TIMESTAMP_FORMAT, 'date_or_datetime', (value) =>
  value.length === 10 ? dateProblem(value) : timestampProblem(value),
);

/** Epoch milliseconds of a valid date (UTC midnight) or timestamp. */
function epochMs(value: string): number {
  return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
}

/** A `formatted` value that must also fall inside the business time window (business-time.ts). */
function windowed(
  format: string,
  zodFormat: string,
  role: BusinessTimeRole,
  problemOf: (value: string) => string | undefined,
) {
  return checked(z.string({ error: expectedMessage(format) }), (value) => {
    const problem = problemOf(value);
    if (problem !== undefined) {
      return { code: 'invalid_format', format: zodFormat, message: formatMessage(format, value, problem) };
    }
    const outside = businessTimeProblem(epochMs(value), role);
    if (outside === undefined) return undefined;
    return {
      code: outside.code,
      bound: outside.bound,
      message: `expected ${outside.expected}, got ${describeValue(value)}`,
    };
  });
}

/** Envelope `occurred_at`: a timestamp inside the business time window (at most a few days ahead). */
export const occurredAt = windowed(TIMESTAMP_FORMAT, 'datetime', 'occurred', timestampProblem);

/** A planned timestamp (`due_at`): inside the business time window for planned times. */
export const plannedTimestamp = windowed(TIMESTAMP_FORMAT, 'datetime', 'planned', timestampProblem);

/** A planned date or timestamp (`expected_at`, `promised_by`, `ends_at`): inside the window for planned times. */
export const plannedDateOrTimestamp = windowed(
  DATE_OR_TIMESTAMP_FORMAT,
  'date_or_datetime',
  'planned',
  (value) => (value.length === 10 ? dateProblem(value) : timestampProblem(value)),
);

const HHMM_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** Local time of day `HH:MM`, 00:00..23:59. */
export const hhmm = formatted('a local time HH:MM (00:00 to 23:59)', 'time', (value) =>
  HHMM_RE.test(value) ? undefined : '',
);

// ---------------------------------------------------------------------------------------------------------
// enums

/** A zod enum over `values` whose error lists the allowed values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = values.join(', ');
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : `expected one of ${allowed}, got ${describeValue(issue.input)}`,
  });
}
