import { readBusinessClock } from '../clock/business-clock.ts';
import { canonicalTime } from '../clock/time.ts';
import type { Reader } from './reader.ts';

/**
 * The workflow's business "now" (SLA ages, escalations, default action times) as ISO text: `override` when the
 * caller gives one (parsed by the one parser), else the business clock (src/clock/business-clock.ts).
 */
export async function businessNow(reader: Reader, override?: string): Promise<string> {
  if (override !== undefined) return isoTime(override);
  return (await readBusinessClock(reader)).at.toISOString();
}

/** A time as ISO-8601 UTC with milliseconds (src/clock/time.ts: strict ISO, no offset = UTC); throws for what is not one. */
export function isoTime(value: string): string {
  return canonicalTime(value);
}
