import type { Day } from './types.ts';

const MS_PER_DAY = 86_400_000;

/** The UTC day of a date (`YYYY-MM-DD`) or a timestamp with offset; a timestamp counts on its UTC date. */
export function toDay(text: string): Day {
  const ms = text.length === 10 ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a date or timestamp: ${text}`);
  return Math.floor(ms / MS_PER_DAY);
}

export function dayFromMs(ms: number): Day {
  return Math.floor(ms / MS_PER_DAY);
}

/** `YYYY-MM-DD` of a day. */
export function dayText(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
