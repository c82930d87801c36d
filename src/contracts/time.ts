const FRACTION = /\.(\d+)/;

/**
 * Microseconds since the epoch of an ISO-8601 timestamp already validated by
 * the contract. `Date.parse` keeps only milliseconds; the digits past them are
 * added back so sub-millisecond ordering survives.
 */
export function toEpochMicros(iso: string): number {
  const fraction = FRACTION.exec(iso);
  if (!fraction) return Date.parse(iso) * 1000;
  const withoutFraction = iso.slice(0, fraction.index) + iso.slice(fraction.index + fraction[0].length);
  const micros = Number(`${fraction[1]}000000`.slice(0, 6));
  return Date.parse(withoutFraction) * 1000 + micros;
}
