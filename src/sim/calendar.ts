/**
 * The retail calendar: for each simulated day, how strongly each category sells in stores and online.
 * Built from the calibrated constants (params.ts `CALIBRATION`): the weekday profile, the week-of-year curve,
 * the December run-up, holiday weeks and days on the US calendar, plus item seasons.
 */
import { BEHAVIOUR, CALIBRATION, CATEGORIES, CATEGORY_PARAMS } from './params.ts';

const DAY_MS = 86_400_000;
/** Days before the start and past the end whose day of year is cached. */
const DOY_PAD = 400;

/** Item seasons: spring/summer and fall/winter apparel, winter health (colds), summer home (outdoor). */
export const SEASONS = ['none', 'spring-summer', 'fall-winter', 'winter', 'summer'] as const;
export type Season = (typeof SEASONS)[number];
const SEASON_PEAK_DAY: Record<Season, number> = {
  none: 0,
  'spring-summer': 140,
  'fall-winter': 320,
  winter: 20,
  summer: 175,
};

/** Online orders by hour of day (local), relative: evening peak, quiet night. Assumed. */
export const ONLINE_HOURS = [
  0.6, 0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 1.5, 2.5, 3.5, 4, 4.2, 4.5, 4.3, 4.2, 4.3, 4.5, 5, 5.5, 6.5, 7, 6, 4,
  2,
];

export function parseDate(text: string): number {
  return Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))) / DAY_MS;
}

export function formatDate(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** Epoch day of the n-th (1-based; -1 = last) `weekday` (0 = Monday) of a month (0-based). */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = Date.UTC(year, month, 1) / DAY_MS;
    const offset = (weekday - weekdayOf(first) + 7) % 7;
    return first + offset + (n - 1) * 7;
  }
  const last = Date.UTC(year, month + 1, 0) / DAY_MS;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Easter Sunday (anonymous Gregorian algorithm). */
function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

interface HolidayEffect {
  name: string;
  store: number;
  online: number;
  storesClosed?: boolean;
  dcClosed?: boolean;
}

/**
 * Holiday effects of one year, by epoch day. Week lifts (Walmart) are spread over the week's days; within
 * Thanksgiving week the split between days is assumed (Thanksgiving Day half a day, Black Friday three).
 */
function holidaysOf(year: number): Map<number, HolidayEffect> {
  const effects = new Map<number, HolidayEffect>();
  const set = (day: number, effect: HolidayEffect): void => {
    const existing = effects.get(day);
    effects.set(
      day,
      existing
        ? {
            ...effect,
            name: `${existing.name}+${effect.name}`,
            store: existing.store * effect.store,
            online: existing.online * effect.online,
            storesClosed: existing.storesClosed || effect.storesClosed,
            dcClosed: existing.dcClosed || effect.dcClosed,
          }
        : effect,
    );
  };
  const lift = CALIBRATION.holidayWeekLift;
  const days = CALIBRATION.holidayDay;
  set(Date.UTC(year, 0, 1) / DAY_MS, {
    name: 'new-year',
    store: 0,
    online: 0.7,
    storesClosed: true,
    dcClosed: true,
  });
  // Super Bowl: the first Sunday of February (the second from 2022); lift on the week ending that Sunday.
  const superBowl = nthWeekday(year, 1, 6, year >= 2022 ? 2 : 1);
  for (let day = superBowl - 6; day <= superBowl; day++) {
    set(day, { name: 'super-bowl-week', store: lift['super-bowl'], online: lift['super-bowl'] });
  }
  const goodFriday = easter(year) - 2;
  set(goodFriday, { name: 'good-friday', store: days['good-friday'], online: 1 });
  const mothersDay = nthWeekday(year, 4, 6, 2);
  set(mothersDay - 1, { name: 'mothers-day-eve', store: days['mothers-day-1'], online: 1 });
  set(mothersDay, { name: 'mothers-day', store: days['mothers-day'], online: 1 });
  set(nthWeekday(year, 4, 0, -1), { name: 'memorial-day', store: days['national-day'], online: 1 });
  set(Date.UTC(year, 6, 4) / DAY_MS, { name: 'independence-day', store: days['national-day'], online: 1 });
  const laborDay = nthWeekday(year, 8, 0, 1);
  for (let day = laborDay - 6; day <= laborDay; day++) {
    set(day, { name: 'labor-day-week', store: lift['labor-day'], online: lift['labor-day'] });
  }
  // Thanksgiving week (Saturday .. Black Friday): Walmart's week lift, split across days by assumed weights.
  const thanksgiving = nthWeekday(year, 10, 3, 4);
  const blackFriday = thanksgiving + 1;
  const weights = [1, 1, 1, 1, 1.1, 0.5, 3]; // Sat Sun Mon Tue Wed Thu(Thanksgiving) Fri(Black Friday)
  const dowOf = (day: number) => CALIBRATION.dayOfWeek[weekdayOf(day)]!;
  let plain = 0;
  let weighted = 0;
  for (let index = 0; index < 7; index++) {
    const day = blackFriday - 6 + index;
    plain += dowOf(day);
    weighted += dowOf(day) * weights[index]!;
  }
  const scale = (lift.thanksgiving * plain) / weighted;
  for (let index = 0; index < 7; index++) {
    const day = blackFriday - 6 + index;
    const store = weights[index]! * scale;
    const isThanksgiving = day === thanksgiving;
    set(day, {
      name: isThanksgiving ? 'thanksgiving' : day === blackFriday ? 'black-friday' : 'thanksgiving-week',
      store,
      online:
        day === blackFriday ? BEHAVIOUR.blackFridayOnlineLift : isThanksgiving ? 1.2 : lift.thanksgiving,
      dcClosed: isThanksgiving,
    });
  }
  set(blackFriday + 1, { name: 'black-friday-weekend', store: 1.25, online: 1.4 });
  set(blackFriday + 2, { name: 'black-friday-weekend', store: 1.1, online: 1.4 });
  set(blackFriday + 3, { name: 'cyber-monday', store: 1, online: BEHAVIOUR.cyberMondayOnlineLift });
  set(Date.UTC(year, 11, 25) / DAY_MS, {
    name: 'christmas',
    store: 1,
    online: 1,
    storesClosed: true,
    dcClosed: true,
  });
  return effects;
}

/** The online December curve: the store curve until the last shipping days, then a lull; assumed. */
function onlineDecember(dayOfMonth: number): number {
  const store = CALIBRATION.december[dayOfMonth - 1]!;
  if (dayOfMonth <= 18) return store;
  if (dayOfMonth <= 24) return 1.1 - (dayOfMonth - 19) * 0.06;
  if (dayOfMonth === 25) return 0.6;
  return store;
}

export class Calendar {
  readonly days: number;
  readonly startEpochDay: number;
  private readonly dates: string[];
  private readonly weekdays: Uint8Array;
  private readonly store: Float64Array[]; // by category
  private readonly online: Float64Array[];
  private readonly closed: Uint8Array;
  private readonly dcShut: Uint8Array;
  private readonly names: (string | undefined)[];
  private readonly seasonal: Float64Array[]; // by season
  private readonly doy: Int16Array;

  constructor(start: string, days: number) {
    this.days = days;
    this.startEpochDay = parseDate(start);
    this.dates = [];
    this.weekdays = new Uint8Array(days);
    this.closed = new Uint8Array(days);
    this.dcShut = new Uint8Array(days);
    this.names = [];
    this.store = CATEGORIES.map(() => new Float64Array(days));
    this.online = CATEGORIES.map(() => new Float64Array(days));
    this.seasonal = SEASONS.map(() => new Float64Array(days));
    const holidayYears = new Map<number, Map<number, HolidayEffect>>();
    const holidays = (year: number) => {
      let map = holidayYears.get(year);
      if (!map) {
        map = holidaysOf(year);
        holidayYears.set(year, map);
      }
      return map;
    };
    this.doy = new Int16Array(days + 2 * DOY_PAD);
    for (let index = 0; index < this.doy.length; index++) {
      const epochDay = this.startEpochDay + index - DOY_PAD;
      this.doy[index] = epochDay - Date.UTC(new Date(epochDay * DAY_MS).getUTCFullYear(), 0, 1) / DAY_MS;
    }
    const november =
      (CALIBRATION.weekOfYear[43]! + CALIBRATION.weekOfYear[44]! + CALIBRATION.weekOfYear[45]!) / 3;
    for (let day = 0; day < days; day++) {
      const epochDay = this.startEpochDay + day;
      const date = new Date(epochDay * DAY_MS);
      const year = date.getUTCFullYear();
      const month = date.getUTCMonth();
      const dayOfMonth = date.getUTCDate();
      const dayOfYear = epochDay - Date.UTC(year, 0, 1) / DAY_MS;
      const weekday = weekdayOf(epochDay);
      this.dates.push(formatDate(epochDay));
      this.weekdays[day] = weekday;
      const week = Math.min(51, Math.floor(dayOfYear / 7));
      let storeYearly = CALIBRATION.weekOfYear[week]!;
      let onlineYearly = storeYearly;
      if (month === 11) {
        storeYearly = november * CALIBRATION.december[dayOfMonth - 1]!;
        onlineYearly = november * onlineDecember(dayOfMonth);
      }
      const effect = holidays(year).get(epochDay);
      this.names.push(effect?.name);
      const storeEvent = effect?.store ?? 1;
      const onlineEvent = effect?.online ?? 1;
      const isClosed = effect?.storesClosed === true || storeYearly === 0;
      this.closed[day] = isClosed ? 1 : 0;
      this.dcShut[day] = effect?.dcClosed === true || weekday === 6 ? 1 : 0;
      const dow = CALIBRATION.dayOfWeek[weekday]!;
      const onlineDow = 1 + BEHAVIOUR.onlineWeekdayDamping * (dow - 1);
      CATEGORIES.forEach((category, index) => {
        const amplitude = CATEGORY_PARAMS[category].seasonalAmplitude;
        this.store[index]![day] = isClosed ? 0 : dow * (storeYearly * storeEvent) ** amplitude;
        this.online[index]![day] = onlineDow * (onlineYearly * onlineEvent) ** amplitude;
      });
      SEASONS.forEach((season, index) => {
        if (season === 'none') {
          this.seasonal[index]![day] = 1;
          return;
        }
        const phase = (2 * Math.PI * (dayOfYear - SEASON_PEAK_DAY[season])) / 365.25;
        this.seasonal[index]![day] = Math.cos(phase);
      });
    }
  }

  date(day: number): string {
    return this.dates[day] ?? formatDate(this.startEpochDay + day);
  }

  /** 0 = Monday … 6 = Sunday. */
  weekday(day: number): number {
    return day < this.days ? this.weekdays[day]! : weekdayOf(this.startEpochDay + day);
  }

  /** Store demand multiplier of a category (weekday × season × holidays); 0 when stores are closed. */
  storeFactor(day: number, category: number): number {
    return this.store[category]![day]!;
  }

  onlineFactor(day: number, category: number): number {
    return this.online[category]![day]!;
  }

  storesClosed(day: number): boolean {
    return this.closed[day] === 1;
  }

  /** The DC ships Monday to Saturday, not on Sundays, Thanksgiving, Christmas or New Year's Day. */
  dcClosed(day: number): boolean {
    return this.dcShut[day] === 1;
  }

  holiday(day: number): string | undefined {
    return this.names[day];
  }

  /** Day of the year (0-based) of any simulated day, also before the start or past the end. */
  dayOfYear(day: number): number {
    const cached = this.doy[day + DOY_PAD];
    if (cached !== undefined) return cached;
    const epochDay = this.startEpochDay + day;
    return epochDay - Date.UTC(new Date(epochDay * DAY_MS).getUTCFullYear(), 0, 1) / DAY_MS;
  }

  /** cos(phase) of an item season on a day (also past the end): −1 off season … 1 at the peak. */
  seasonPhase(day: number, season: number): number {
    const cached = this.seasonal[season]![day];
    if (cached !== undefined) return cached;
    if (season === 0) return 1;
    return Math.cos((2 * Math.PI * (this.dayOfYear(day) - SEASON_PEAK_DAY[SEASONS[season]!])) / 365.25);
  }

  /** The mean store factor of a category over days [from, to) (planners' seasonal expectation). */
  meanStoreFactor(category: number, from: number, to: number): number {
    const a = Math.max(0, Math.min(this.days - 1, from));
    const b = Math.max(a + 1, Math.min(this.days, to));
    let sum = 0;
    for (let day = a; day < b; day++) sum += this.store[category]![day]!;
    return sum / (b - a);
  }

  meanOnlineFactor(category: number, from: number, to: number): number {
    const a = Math.max(0, Math.min(this.days - 1, from));
    const b = Math.max(a + 1, Math.min(this.days, to));
    let sum = 0;
    for (let day = a; day < b; day++) sum += this.online[category]![day]!;
    return sum / (b - a);
  }
}
