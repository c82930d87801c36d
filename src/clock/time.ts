/**
 * The one parser of times given by people and callers (`settings clock`, `--at`, `--now`, `--as-of`, API
 * bodies): strict ISO-8601, with one rule for what ISO leaves open — **a time without an offset is UTC**,
 * never the machine's zone, so `2025-03-01 08:00` means the same instant on every machine and in DuckDB
 * (whose session time zone is UTC, src/warehouse/warehouse.ts).
 *
 * Accepted: `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `T` or one space, then
 * nothing (UTC), `Z`, or `±HH:MM`. Refused, with a message that shows the accepted forms: anything else
 * ("March 1, 2025", "yesterday", "1740787200", "2025-02-30").
 */
import { dateProblem, timestampProblem } from '../contracts/primitives.ts';
import { UserError } from '../warehouse/errors.ts';

/** Ends in a zone: `Z` or an offset. */
const ZONED = /(?:Z|[+-]\d\d:\d\d)$/;

export const TIME_FORMS = '2025-03-01, 2025-03-01T08:00:00Z or 2025-03-01T08:00:00+01:00';

/** A time that is not strict ISO-8601: a mistake the user can fix (CLI exit 2, API 400). */
export class TimeFormatError extends UserError {
  constructor(
    readonly input: string,
    readonly problem: string,
    what = 'a time',
  ) {
    super(
      `${what} must be ISO-8601 (${TIME_FORMS}; a time without offset is UTC), got ${JSON.stringify(input)}` +
        (problem === '' ? '' : ` (${problem})`),
    );
    this.name = 'TimeFormatError';
  }
}

/**
 * The instant `text` names. `what` names the input in the error (`--at`, `the clock setting`).
 * Throws `TimeFormatError` for anything but the accepted forms.
 */
export function parseTime(text: string, what?: string): Date {
  const value = text.trim();
  if (value.length === 10) {
    const problem = dateProblem(value);
    if (problem !== undefined) throw new TimeFormatError(text, problem, what);
    return new Date(`${value}T00:00:00Z`);
  }
  // ISO-8601 allows a space for the `T` by agreement (RFC 3339 too): people and SQL write it that way.
  const normal = value.length > 10 && value[10] === ' ' ? `${value.slice(0, 10)}T${value.slice(11)}` : value;
  const iso = ZONED.test(normal) ? normal : `${normal}Z`;
  const problem = timestampProblem(iso);
  if (problem !== undefined) throw new TimeFormatError(text, problem, what);
  return new Date(Date.parse(iso));
}

/** `parseTime`, as the canonical text every writer stores: ISO-8601 UTC with milliseconds (`…T08:00:00.000Z`). */
export function canonicalTime(text: string, what?: string): string {
  return parseTime(text, what).toISOString();
}
