/**
 * The operations context: who acts, in which role, and the business "now" — built once by each entry point
 * (a CLI command, an API request, a scheduled job run) and handed to the domain services, so one operation
 * reads the clock once and everything it writes carries that one time (Vendure's RequestContext, kept small).
 */
import { type ClockReading, type ClockSource, readBusinessClock } from '../clock/business-clock.ts';
import { parseTime } from '../clock/time.ts';
import { WorkflowError } from '../workflow/errors.ts';

export interface Caller {
  actor: string;
  role: string;
}

export interface OperationsContext extends Caller {
  /** Business time of the operation: the clock in force when it began, or the caller's explicit time. */
  now: Date;
  /** The clock in force, and why (status lines, reports). */
  clock: ClockReading;
}

/** Who acts when nobody does: the server's scheduled jobs. */
export const SCHEDULER: Caller = { actor: 'scheduler', role: 'system' };

export interface ContextOptions {
  /** An explicit business time (`--at`, `--now`): parsed by the one parser (no offset = UTC). */
  at?: string | undefined;
  /** What the explicit time is called in errors (`--at`). */
  what?: string;
  /**
   * Allow an explicit time after the clock. Only for reads (a listing's ages "as of" a later time): what
   * retailos writes is never dated after the business clock.
   */
  allowLater?: boolean;
}

/** Reads the clock and builds the context. An explicit time later than the clock is refused (see allowLater). */
export async function operationsContext(
  source: ClockSource,
  caller: Caller,
  options: ContextOptions = {},
): Promise<OperationsContext> {
  const clock = await readBusinessClock(source);
  if (options.at === undefined) return { ...caller, now: clock.at, clock };
  const what = options.what ?? 'the time';
  const now = parseTime(options.at, what);
  if (!options.allowLater && now.getTime() > clock.at.getTime()) {
    throw new WorkflowError(
      'invalid',
      `${what} ${now.toISOString()} is after the business clock (${clock.at.toISOString()}, ${clock.reason}): ` +
        'retailos dates nothing after it. Pin a later clock first: retailos settings clock TIME',
    );
  }
  return { ...caller, now, clock };
}
