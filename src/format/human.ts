/**
 * Numbers, money, days and dates as people read them: one set of formats for every text retailos writes
 * for humans (CLI tables, plain-language explanations), so the same measure reads the same everywhere and
 * no 16-digit float or "Infinity" reaches a reader. Machines get the raw numbers (JSON, CSV) instead.
 * The formats match the dashboards' (dashboards/src/components/format.js): en-US grouping, US dollars.
 */

/** What a missing or undefined figure reads as (the dashboards' mark). */
export const MISSING = '–';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const finite = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** Whole units with thousands separators: 1234.6 → "1,235"; -0.4 → "0". */
export function formatUnits(value: number | null | undefined): string {
  if (!finite(value)) return MISSING;
  const rounded = Math.round(value);
  return integer.format(rounded === 0 ? 0 : rounded);
}

/** A quantity with `digits` decimals at most (trailing zeros dropped): 0.8333 → "0.8", 12 → "12". */
export function formatDecimal(value: number | null | undefined, digits = 1): string {
  if (!finite(value)) return MISSING;
  const text = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(value);
  return text === '-0' ? '0' : text;
}

/** Money to the cent in the deployment currency: 13567.581 → "$13,567.58". */
export function formatMoney(value: number | null | undefined): string {
  if (!finite(value)) return MISSING;
  return cents.format(Math.abs(value) < 0.005 ? 0 : value);
}

/** A share (0..1) as a percentage: 0.9412 → "94.1%" (digits = 0 → "94%"). */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (!finite(share)) return MISSING;
  return `${(share * 100).toFixed(digits)}%`;
}

/**
 * A number of days, rounded to whole days ("12 d"; "< 1 d" for a positive part of a day). An unbounded
 * figure (days of cover with no demand, a lead time that does not exist) reads as `unbounded`.
 */
export function formatDays(value: number | null | undefined, unbounded = 'no demand'): string {
  if (value === Number.POSITIVE_INFINITY) return unbounded;
  if (!finite(value)) return MISSING;
  if (value > 0 && value < 0.5) return '< 1 d';
  return `${formatUnits(value)} d`;
}

/** A mean ± spread in days, rounded: (10.5, 2.6) → "11 ± 3 d"; no spread → "11 d". */
export function formatDaysSpread(mean: number, spread: number): string {
  if (!finite(mean)) return MISSING;
  const s = Math.round(spread);
  return s > 0 ? `${formatUnits(mean)} ± ${s} d` : formatDays(mean);
}

/** A rate per day: one decimal under 10 ("0.8/day"), whole units above ("123/day"). */
export function formatPerDay(value: number | null | undefined): string {
  if (!finite(value)) return MISSING;
  return `${Math.abs(value) < 10 ? formatDecimal(value, 1) : formatUnits(value)}/day`;
}

/**
 * Units as whole packs: 24 of 6 → "4 × 6"; 22 of 6 → "3 × 6 + 4" (a transfer moves single units); a pack
 * of one (or none) → the units alone.
 */
export function formatPacks(qty: number, packSize: number): string {
  const units = Math.round(qty);
  if (!(packSize > 1)) return formatUnits(units);
  const packs = Math.floor(units / packSize);
  const loose = units - packs * packSize;
  if (packs === 0) return `${loose} loose`;
  return loose === 0 ? `${packs} × ${packSize}` : `${packs} × ${packSize} + ${loose}`;
}

/** Units in packs, for a sentence: "4 packs of 6", "3 packs of 6 + 4 loose", "4 loose (packs of 6)". */
export function describePacks(qty: number, packSize: number): string {
  const units = Math.round(qty);
  if (!(packSize > 1)) return plural(units, 'unit');
  const packs = Math.floor(units / packSize);
  const loose = units - packs * packSize;
  if (packs === 0) return `${loose} loose (packs of ${packSize})`;
  return `${plural(packs, 'pack')} of ${packSize}${loose === 0 ? '' : ` + ${loose} loose`}`;
}

/** The day of a date or timestamp: Date, ISO text or epoch ms → "2024-05-09". */
export function formatDate(value: Date | string | number | null | undefined): string {
  const date = toDate(value);
  return date === null ? MISSING : date.toISOString().slice(0, 10);
}

/** A timestamp to the minute, in UTC: "2024-04-28 23:20 UTC". */
export function formatDateTime(value: Date | string | number | null | undefined): string {
  const date = toDate(value);
  return date === null ? MISSING : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function toDate(value: Date | string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "1 SKU", "3 SKUs": a count with its noun. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatUnits(n)} ${n === 1 ? singular : pluralForm}`;
}
