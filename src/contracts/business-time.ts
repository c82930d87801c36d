/**
 * The window of business times the contract accepts (issue 15): an `occurred_at` of year 0001 or 2124 is a
 * typo or a broken clock, never a business fact, and one such event stretches every date spine (a 2124 sale
 * made `alerts detect` 35× slower and 20× bigger). So business times are accepted only inside a window:
 *
 * - `occurred_at`: from `earliest` to `maxFutureDays` after arrival (the wall clock when the event is
 *   validated), so clocks a little ahead and events prepared shortly in advance still land;
 * - planned times (`expected_at`, `promised_by`, `ends_at`, `due_at`): from `earliest` to `maxPlannedDays`
 *   after arrival (a purchase order may be due months ahead, not a century).
 *
 * Configuration: environment variables read once when the module loads, so every staging worker (which
 * inherits the environment) applies the same window. A value that does not parse stops the process with a
 * message naming the variable, rather than silently falling back.
 */

/** The accepted window of business times. */
export interface BusinessTimeWindow {
  /** Earliest business time accepted, as epoch milliseconds (inclusive). */
  earliestMs: number;
  /** Days after arrival an `occurred_at` may be. */
  maxFutureDays: number;
  /** Days after arrival a planned time (`expected_at`, `promised_by`, `ends_at`, `due_at`) may be. */
  maxPlannedDays: number;
}

export const BUSINESS_TIME_ENV = {
  earliest: 'RETAILOS_EARLIEST_BUSINESS_TIME',
  maxFutureDays: 'RETAILOS_MAX_FUTURE_DAYS',
  maxPlannedDays: 'RETAILOS_MAX_PLANNED_DAYS',
} as const;

export const DEFAULT_BUSINESS_TIME_WINDOW: Readonly<BusinessTimeWindow> = Object.freeze({
  earliestMs: Date.parse('2000-01-01T00:00:00Z'),
  maxFutureDays: 7,
  maxPlannedDays: 730,
});

const DAY_MS = 86_400_000;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The window configured by `env` (the variables of `BUSINESS_TIME_ENV`); unset ones keep their default. */
export function businessTimeWindowFromEnv(env: NodeJS.ProcessEnv = process.env): BusinessTimeWindow {
  const window = { ...DEFAULT_BUSINESS_TIME_WINDOW };
  const earliest = env[BUSINESS_TIME_ENV.earliest]?.trim();
  if (earliest) {
    const ms = ISO_DATE_RE.test(earliest)
      ? Date.parse(earliest.length === 10 ? `${earliest}T00:00:00Z` : earliest)
      : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new Error(
        `${BUSINESS_TIME_ENV.earliest} takes a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset, got "${earliest}"`,
      );
    }
    window.earliestMs = ms;
  }
  for (const key of ['maxFutureDays', 'maxPlannedDays'] as const) {
    const text = env[BUSINESS_TIME_ENV[key]]?.trim();
    if (!text) continue;
    if (!/^\d{1,6}$/.test(text)) {
      throw new Error(`${BUSINESS_TIME_ENV[key]} takes a whole number of days, got "${text}"`);
    }
    window[key] = Number(text);
  }
  return window;
}

let active: BusinessTimeWindow = businessTimeWindowFromEnv();
let clock: () => number = Date.now;

/** The window validation applies now. */
export function businessTimeWindow(): Readonly<BusinessTimeWindow> {
  return active;
}

/**
 * Replaces the window (and optionally the arrival clock) for this thread; returns a function restoring the
 * previous ones. For tests and embedders: staging workers take the window from the environment.
 */
export function setBusinessTimeWindow(
  window: Partial<BusinessTimeWindow>,
  now: (() => number) | undefined = undefined,
): () => void {
  const previous = { active, clock };
  active = { ...active, ...window };
  if (now) clock = now;
  return () => {
    active = previous.active;
    clock = previous.clock;
  };
}

/** Which bound a business time must respect: an `occurred_at`, or a planned time. */
export type BusinessTimeRole = 'occurred' | 'planned';

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
}

/**
 * What `epochMs` (of a value already valid as a date or timestamp) should have been when it is outside the
 * window (`a time on or after …`), with the bound it broke, or `undefined` when it is inside.
 */
export function businessTimeProblem(
  epochMs: number,
  role: BusinessTimeRole,
): { code: 'too_small' | 'too_big'; bound: number; expected: string } | undefined {
  const window = active;
  if (epochMs < window.earliestMs) {
    const earliest = new Date(window.earliestMs).toISOString().replace('.000Z', 'Z');
    return {
      code: 'too_small',
      bound: window.earliestMs,
      expected: `a time on or after ${earliest} (business time window)`,
    };
  }
  const days = role === 'occurred' ? window.maxFutureDays : window.maxPlannedDays;
  const latest = clock() + days * DAY_MS;
  if (epochMs > latest) {
    return {
      code: 'too_big',
      bound: latest,
      expected: `a time at most ${days} days after arrival (until ${isoMinute(latest)}; business time window)`,
    };
  }
  return undefined;
}
