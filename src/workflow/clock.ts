import type { Reader } from './reader.ts';

/**
 * The business "now" of the workflow (SLA ages, escalations, default action times): `override`, else the
 * ledger's `clock` setting (pinned for replays and tests), else the wall clock.
 */
export async function businessNow(reader: Reader, override?: string): Promise<string> {
  if (override !== undefined) return isoTime(override);
  try {
    const [row] = await reader.all(
      "SELECT nullif(trim(value), '') AS clock FROM ledger_settings WHERE key = 'clock'",
      {},
    );
    if (typeof row?.clock === 'string') return isoTime(row.clock);
  } catch {
    // a warehouse without the ledger: the wall clock
  }
  return new Date().toISOString();
}

/** A timestamp as ISO-8601 UTC with milliseconds; throws a clear error for what is not a time. */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
