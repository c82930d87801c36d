/**
 * Dates as other systems write them (`DD/MM/YYYY HH:mm`, `M/D/YY h:mm A`, Excel serials, epoch seconds),
 * to the contract's ISO-8601, in a given time zone (a fixed offset or an IANA zone name).
 */

const TOKENS = /YYYY|YY|SSS|MM|DD|HH|hh|mm|ss|M|D|H|h|A|a/g;
const PATTERNS: Record<string, string> = {
  YYYY: '(\\d{4})',
  YY: '(\\d{2})',
  SSS: '(\\d{1,3})',
  MM: '(\\d{2})',
  DD: '(\\d{2})',
  HH: '(\\d{2})',
  hh: '(\\d{2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  M: '(\\d{1,2})',
  D: '(\\d{1,2})',
  H: '(\\d{1,2})',
  h: '(\\d{1,2})',
  A: '([AaPp][Mm])',
  a: '([AaPp][Mm])',
};

export const SPECIAL_FORMATS = ['iso', 'epoch_s', 'epoch_ms', 'excel'] as const;

export interface DateFormat {
  format: string;
  /** `Z`, `+01:00`, or an IANA zone (`Europe/Lisbon`). */
  timezone: string;
}

interface Compiled {
  regex: RegExp;
  tokens: string[];
  hasTime: boolean;
}

const compiled = new Map<string, Compiled>();

function compile(format: string): Compiled {
  let found = compiled.get(format);
  if (found) return found;
  const tokens: string[] = [];
  let source = '';
  let last = 0;
  for (const match of format.matchAll(TOKENS)) {
    source += escapeRegex(format.slice(last, match.index));
    source += PATTERNS[match[0]]!;
    tokens.push(match[0]);
    last = match.index + match[0].length;
  }
  source += escapeRegex(format.slice(last));
  found = { regex: new RegExp(`^${source}$`), tokens, hasTime: tokens.some((t) => /^[Hh]/.test(t)) };
  compiled.set(format, found);
  return found;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Throws when the format has no year, month and day, or the zone is unknown. */
export function checkDateFormat(spec: DateFormat): void {
  zoneOffsetMinutes(spec.timezone, Date.UTC(2025, 0, 1));
  if ((SPECIAL_FORMATS as readonly string[]).includes(spec.format)) return;
  const { tokens } = compile(spec.format);
  const has = (...names: string[]) => names.some((name) => tokens.includes(name));
  if (!has('YYYY', 'YY') || !has('MM', 'M') || !has('DD', 'D')) {
    throw new Error(
      `date_format ${JSON.stringify(spec.format)} needs a year (YYYY), month (MM) and day (DD)`,
    );
  }
}

/**
 * The ISO text of `text` read with `spec`: a date (`YYYY-MM-DD`) when the format has no time and
 * `timestamp` is false, else a timestamp with the zone's offset. Undefined when it does not match.
 */
export function parseDate(text: string, spec: DateFormat, timestamp: boolean): string | undefined {
  const value = text.trim();
  switch (spec.format) {
    case 'iso':
      return Number.isNaN(Date.parse(value)) ? undefined : value;
    case 'epoch_s':
    case 'epoch_ms': {
      const number = Number(value);
      if (!Number.isFinite(number) || value === '') return undefined;
      return new Date(spec.format === 'epoch_s' ? number * 1000 : number).toISOString();
    }
    case 'excel': {
      // Days since 1899-12-30 (Excel's epoch, with its 1900 leap-year bug already in the count), local time.
      const number = Number(value);
      if (!Number.isFinite(number) || value === '') return undefined;
      const ms = Math.round((number - 25569) * 86_400_000);
      const wall = new Date(ms);
      return withZone(
        [
          wall.getUTCFullYear(),
          wall.getUTCMonth() + 1,
          wall.getUTCDate(),
          wall.getUTCHours(),
          wall.getUTCMinutes(),
          wall.getUTCSeconds(),
          wall.getUTCMilliseconds(),
        ],
        spec.timezone,
        timestamp || number % 1 !== 0,
      );
    }
  }
  const { regex, tokens, hasTime } = compile(spec.format);
  const match = regex.exec(value);
  if (!match) return undefined;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let meridiem: string | undefined;
  tokens.forEach((token, index) => {
    const part = match[index + 1]!;
    const number = Number(part);
    switch (token) {
      case 'YYYY':
        year = number;
        break;
      case 'YY':
        year = number < 70 ? 2000 + number : 1900 + number;
        break;
      case 'MM':
      case 'M':
        month = number;
        break;
      case 'DD':
      case 'D':
        day = number;
        break;
      case 'HH':
      case 'H':
      case 'hh':
      case 'h':
        hour = number;
        break;
      case 'mm':
        minute = number;
        break;
      case 'ss':
        second = number;
        break;
      case 'SSS':
        millis = Number(part.padEnd(3, '0'));
        break;
      default:
        meridiem = part.toLowerCase();
    }
  });
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return withZone([year, month, day, hour, minute, second, millis], spec.timezone, timestamp || hasTime);
}

function withZone(parts: number[], timezone: string, timestamp: boolean): string {
  const [year, month, day, hour, minute, second, millis] = parts as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  if (!timestamp) return date;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // The zone's offset at that wall time (computed twice: the first guess may sit across a DST change).
  let offset = zoneOffsetMinutes(timezone, wall);
  offset = zoneOffsetMinutes(timezone, wall - offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const fraction = millis > 0 ? `.${String(millis).padStart(3, '0')}` : '';
  return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${offset === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`}`;
}

/** Minutes east of UTC of `timezone` at the instant `utcMs`. */
export function zoneOffsetMinutes(timezone: string, utcMs: number): number {
  if (/^(z|utc|gmt)$/i.test(timezone)) return 0;
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(timezone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  const name = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(utcMs))
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
