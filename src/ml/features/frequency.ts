/**
 * The period constants the feature SQL is rendered with. Daily demand: weekly season, windows of
 * 1/4/8/16 weeks, a 364-day year (same weekday). Weekly demand: no sub-season, windows of
 * 4/8/13/26 weeks, a 52-week year.
 */
export interface Frequency {
  name: 'daily' | 'weekly';
  season: number;
  year: number;
  w_recent: number;
  w_base: number;
  w_mid: number;
  w_long: number;
}

export const DAILY: Frequency = {
  name: 'daily',
  season: 7,
  year: 364,
  w_recent: 7,
  w_base: 28,
  w_mid: 56,
  w_long: 112,
};
export const WEEKLY: Frequency = {
  name: 'weekly',
  season: 52,
  year: 52,
  w_recent: 4,
  w_base: 8,
  w_mid: 13,
  w_long: 26,
};

export function frequencyConstants(frequency: Frequency): Record<string, number> {
  const { season, year, w_recent, w_base, w_mid, w_long } = frequency;
  return { season, year, w_recent, w_base, w_mid, w_long };
}

export function frequencyByName(name: string): Frequency {
  if (name === 'daily') return DAILY;
  if (name === 'weekly') return WEEKLY;
  throw new Error(`unknown frequency ${name}`);
}
