/**
 * Calibration of the simulator's calendar and demand noise against real retail data, read in place from
 * `../shared/data` (never copied into the repository). Run it with
 *
 *     npx tsx src/sim/calibrate.ts [--data ../shared/data]
 *
 * It prints the derived constants as JSON; `params.ts` (`CALIBRATION`) holds the values this produced, rounded,
 * and `docs/simulator.md` explains each one. Sources:
 *
 * - `favorita/transactions.csv` (daily transactions of 54 stores, 2013–2017) and `holidays_events.csv`: the
 *   day-of-week profile, the December peak by day, national holiday effects and the day-to-day noise.
 * - `walmart-weekly/Walmart.csv` (weekly sales of 45 US stores, 2010–2012): the week-of-year seasonality and
 *   the holiday-week lifts (Super Bowl, Labor Day, Thanksgiving, Christmas).
 * - `m5/history/sales_item_store_d1762_d1941.csv` (training history only, 30,490 item × store series, 180
 *   days): item-level intermittency (share of zero days), the spread of item rates and their skew.
 */
import fs from 'node:fs';
import path from 'node:path';

const DAY_MS = 86_400_000;

/** What the calibration derives; `params.ts` keeps a rounded copy in `CALIBRATION`. */
export interface CalibrationResult {
  favorita: {
    /** Multiplier per weekday, Monday first, mean 1. */
    dayOfWeek: number[];
    /** Multiplier per calendar month (January first), mean 1. */
    month: number[];
    /** December day d (1..31): ratio to the store's dow-adjusted level in the first half of November. */
    december: number[];
    /** Ratio to the expected (store-week level × weekday) for named national holidays. */
    holidays: Record<string, number>;
    /** Standard deviation of log residuals: chain-wide day shock and store-day shock. */
    noise: { dayLogSd: number; storeDayLogSd: number; totalCv: number };
    days: number;
  };
  walmart: {
    /** Week-of-year multiplier (weeks 1..52), mean 1, holiday and December peak weeks interpolated out. */
    weekOfYearBase: number[];
    /** Week-of-year multiplier as observed (holiday weeks included), mean 1. */
    weekOfYearObserved: number[];
    /** Holiday week sales ÷ the median of the surrounding weeks (±2..6), averaged over stores and years. */
    holidayWeekLift: Record<string, number>;
    /** December weeks (ending 7–13, 14–20, 21–27 Dec) ÷ the November base weeks. */
    decemberWeeks: number[];
    /** Log residual sd of weekly store sales after store level, trend and week-of-year. */
    weeklyLogSd: number;
  };
  m5: {
    series: number;
    days: number;
    zeroShare: number;
    /** Share of series with no sale in the window. */
    deadShare: number;
    /** Lognormal fit of the mean daily units of the series that sold: mu and sigma of ln(mean). */
    rateLogMean: number;
    rateLogSd: number;
    meanRate: number;
    /** Median negative-binomial shape (mean² / (var − mean)) of series with mean ≥ 0.5. */
    nbShape: number;
    /** Share of units sold by the top 20% of items (items summed over stores). */
    top20Share: number;
  };
}

// ---------------------------------------------------------------------------------------------------------
// small helpers

function readRows(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(','));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function sd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function normaliseMean(values: readonly number[]): number[] {
  const m = mean(values);
  return values.map((value) => value / m);
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/** Days since the epoch of `YYYY-MM-DD`. */
function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** 0 = Monday … 6 = Sunday. */
function weekday(day: number): number {
  return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
}

/** ISO-like week of year 1..52 (week 53 folds into 52). */
export function weekOfYear(day: number): number {
  const date = new Date(day * DAY_MS);
  const start = Date.UTC(date.getUTCFullYear(), 0, 1) / DAY_MS;
  return Math.min(52, Math.floor((day - start) / 7) + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Favorita: daily store transactions

/** Favorita national holiday names mapped to the keys used by the simulator's holiday table. */
const FAVORITA_HOLIDAYS: Record<string, string> = {
  'Navidad-4': 'christmas-4',
  'Navidad-3': 'christmas-3',
  'Navidad-2': 'christmas-2',
  'Navidad-1': 'christmas-1',
  'Navidad+1': 'christmas+1',
  'Primer dia del ano-1': 'new-year-1',
  'Black Friday': 'black-friday',
  'Cyber Monday': 'cyber-monday',
  'Viernes Santo': 'good-friday',
  'Dia de la Madre-1': 'mothers-day-1',
  'Dia de la Madre': 'mothers-day',
  'Primer Grito de Independencia': 'national-day',
  'Dia del Trabajo': 'national-day',
  'Batalla de Pichincha': 'national-day',
};

export function calibrateFavorita(dir: string): CalibrationResult['favorita'] {
  const holidayRows = readRows(path.join(dir, 'holidays_events.csv'));
  const national = new Map<number, string>();
  for (const [date, , locale, , description, transferred] of holidayRows) {
    if (locale !== 'National' || transferred === 'True' || !date || !description) continue;
    national.set(dayNumber(date), description);
  }
  // The April 2016 earthquake and its aftermath distort demand for a month: excluded.
  const quakeStart = dayNumber('2016-04-16');
  const quakeEnd = dayNumber('2016-05-16');
  const excluded = (day: number): boolean => national.has(day) || (day >= quakeStart && day <= quakeEnd);

  // value by store, then by day
  const byStore = new Map<number, Map<number, number>>();
  let days = 0;
  for (const [date, store, transactions] of readRows(path.join(dir, 'transactions.csv'))) {
    const value = Number(transactions);
    if (!date || !(value > 0)) continue;
    const storeId = Number(store);
    let series = byStore.get(storeId);
    if (!series) {
      series = new Map();
      byStore.set(storeId, series);
    }
    series.set(dayNumber(date), value);
    days++;
  }

  // Day of week: within complete, holiday-free weeks (Monday..Sunday), log share of each day.
  const dowLogs: number[][] = Array.from({ length: 7 }, () => []);
  for (const series of byStore.values()) {
    for (const day of series.keys()) {
      if (weekday(day) !== 0) continue;
      const week = Array.from({ length: 7 }, (_, offset) => day + offset);
      if (week.some((d) => !series.has(d) || excluded(d))) continue;
      const logs = week.map((d) => Math.log(series.get(d)!));
      const weekMean = mean(logs);
      logs.forEach((value, index) => {
        dowLogs[index]!.push(value - weekMean);
      });
    }
  }
  const dowLog = dowLogs.map(mean);
  const dayOfWeek = normaliseMean(dowLog.map(Math.exp));

  // Residuals: log y − (store-week level + weekday effect), on non-holiday days of complete weeks.
  const residualsByDay = new Map<number, number[]>();
  const levelOf = new Map<number, Map<number, number>>(); // store → monday → mean log level
  for (const [storeId, series] of byStore) {
    const levels = new Map<number, number>();
    levelOf.set(storeId, levels);
    for (const day of series.keys()) {
      if (weekday(day) !== 0) continue;
      const week = Array.from({ length: 7 }, (_, offset) => day + offset);
      const clean = week.filter((d) => series.has(d) && !excluded(d));
      if (clean.length < 5) continue;
      const level = mean(clean.map((d) => Math.log(series.get(d)!) - dowLog[weekday(d)]!));
      levels.set(day, level);
      for (const d of clean) {
        const residual = Math.log(series.get(d)!) - dowLog[weekday(d)]! - level;
        let list = residualsByDay.get(d);
        if (!list) {
          list = [];
          residualsByDay.set(d, list);
        }
        list.push(residual);
      }
    }
  }
  const common: number[] = [];
  const idiosyncratic: number[] = [];
  const total: number[] = [];
  for (const residuals of residualsByDay.values()) {
    if (residuals.length < 10) continue;
    const shock = mean(residuals);
    common.push(shock);
    for (const residual of residuals) {
      idiosyncratic.push(residual - shock);
      total.push(residual);
    }
  }
  const totalSd = sd(total);

  // Expected value of a day: the store's level for that week (or the nearest computed week) × weekday.
  const expected = (storeId: number, day: number): number | undefined => {
    const levels = levelOf.get(storeId)!;
    const monday = day - weekday(day);
    for (const offset of [0, -7, 7, -14, 14]) {
      const level = levels.get(monday + offset);
      if (level !== undefined) return Math.exp(level + dowLog[weekday(day)]!);
    }
    return undefined;
  };

  // National holidays: observed ÷ expected (closed days count as 0 when most stores are closed).
  const holidayRatios = new Map<string, number[]>();
  for (const [day, name] of national) {
    const key = FAVORITA_HOLIDAYS[name];
    if (!key) continue;
    for (const [storeId, series] of byStore) {
      const value = series.get(day);
      const base = expected(storeId, day);
      if (value === undefined || base === undefined) continue;
      let list = holidayRatios.get(key);
      if (!list) {
        list = [];
        holidayRatios.set(key, list);
      }
      list.push(value / base);
    }
  }
  const holidays: Record<string, number> = {};
  for (const [key, ratios] of [...holidayRatios].sort(([a], [b]) => a.localeCompare(b))) {
    holidays[key] = round(median(ratios));
  }

  // Month profile: mean of daily values per month ÷ the store-year mean, full years 2013–2016.
  const monthRatios: number[][] = Array.from({ length: 12 }, () => []);
  for (const series of byStore.values()) {
    for (let year = 2013; year <= 2016; year++) {
      const months: number[][] = Array.from({ length: 12 }, () => []);
      for (const [day, value] of series) {
        const date = new Date(day * DAY_MS);
        if (date.getUTCFullYear() === year) months[date.getUTCMonth()]!.push(value);
      }
      if (months.some((values) => values.length < 20)) continue;
      const monthMeans = months.map(mean);
      const yearMean = mean(monthMeans);
      monthMeans.forEach((value, month) => {
        monthRatios[month]!.push(value / yearMean);
      });
    }
  }
  const month = normaliseMean(monthRatios.map(mean));

  // December by day: value ÷ (weekday factor × store level of 1–14 November), years 2013–2016.
  const decemberRatios: number[][] = Array.from({ length: 31 }, () => []);
  for (const series of byStore.values()) {
    for (let year = 2013; year <= 2016; year++) {
      const novemberStart = dayNumber(`${year}-11-01`);
      const base: number[] = [];
      for (let d = novemberStart; d < novemberStart + 14; d++) {
        const value = series.get(d);
        if (value !== undefined && !excluded(d)) base.push(Math.log(value) - dowLog[weekday(d)]!);
      }
      if (base.length < 10) continue;
      const level = Math.exp(mean(base));
      const decemberStart = dayNumber(`${year}-12-01`);
      for (let offset = 0; offset < 31; offset++) {
        const d = decemberStart + offset;
        const value = series.get(d) ?? 0; // a missing day in December is a closed day (25th)
        decemberRatios[offset]!.push(value / (level * Math.exp(dowLog[weekday(d)]!)));
      }
    }
  }
  return {
    dayOfWeek: dayOfWeek.map((value) => round(value)),
    month: month.map((value) => round(value)),
    december: decemberRatios.map((ratios) => round(median(ratios))),
    holidays,
    noise: {
      dayLogSd: round(sd(common)),
      storeDayLogSd: round(sd(idiosyncratic)),
      totalCv: round(Math.sqrt(Math.exp(totalSd ** 2) - 1)),
    },
    days,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Walmart: weekly store sales

/** Walmart.csv dates are dd/mm/yy, the Friday that ends the week (Saturday..Friday). */
function walmartDay(text: string): number {
  const [dd, mm, yy] = text.split('/');
  return dayNumber(`20${yy}-${mm}-${dd}`);
}

export function calibrateWalmart(file: string): CalibrationResult['walmart'] {
  const rows = readRows(file);
  const byStore = new Map<number, { day: number; sales: number; holiday: boolean }[]>();
  for (const [store, date, sales, flag] of rows) {
    if (!store || !date) continue;
    let list = byStore.get(Number(store));
    if (!list) {
      list = [];
      byStore.set(Number(store), list);
    }
    list.push({ day: walmartDay(date), sales: Number(sales), holiday: flag === '1' });
  }
  // A week is named by its middle day (Tuesday), so Thanksgiving and Christmas weeks land on stable indexes.
  const weekIndex = (endDay: number): number => weekOfYear(endDay - 3);
  const holidayName = (endDay: number): string => {
    const m = new Date(endDay * DAY_MS).getUTCMonth();
    return m === 1 ? 'super-bowl' : m === 8 ? 'labor-day' : m === 10 ? 'thanksgiving' : 'christmas';
  };
  const isDecemberPeak = (endDay: number): boolean => {
    const date = new Date(endDay * DAY_MS);
    return date.getUTCMonth() === 11 && date.getUTCDate() >= 7 && date.getUTCDate() <= 27;
  };

  // Per store: log sales − (store mean + linear trend), averaged by week of year.
  const residualsByWeek: number[][] = Array.from({ length: 53 }, () => []);
  const baseByWeek: number[][] = Array.from({ length: 53 }, () => []);
  const detrended = new Map<number, { day: number; value: number; holiday: boolean }[]>();
  for (const [store, weeks] of byStore) {
    const xs = weeks.map((week) => week.day);
    const ys = weeks.map((week) => Math.log(week.sales));
    const xm = mean(xs);
    const ym = mean(ys);
    let sxy = 0;
    let sxx = 0;
    xs.forEach((x, index) => {
      sxy += (x - xm) * (ys[index]! - ym);
      sxx += (x - xm) ** 2;
    });
    const slope = sxy / sxx;
    const list = weeks.map((week, index) => ({
      day: week.day,
      value: ys[index]! - ym - slope * (week.day - xm),
      holiday: week.holiday,
    }));
    detrended.set(store, list);
    for (const week of list) {
      residualsByWeek[weekIndex(week.day)]!.push(week.value);
      if (!week.holiday && !isDecemberPeak(week.day)) baseByWeek[weekIndex(week.day)]!.push(week.value);
    }
  }
  const observed = normaliseMean(
    Array.from({ length: 52 }, (_, index) => Math.exp(mean(residualsByWeek[index + 1]!))),
  );
  // Base curve: weeks without holidays or the December peak, gaps filled from neighbours, 3-week smoothing.
  const raw = Array.from({ length: 52 }, (_, index) => {
    const values = baseByWeek[index + 1]!;
    return values.length >= 20 ? mean(values) : Number.NaN;
  });
  const filled = raw.map((value, index) => {
    if (!Number.isNaN(value)) return value;
    for (let step = 1; step < 52; step++) {
      const before = raw[(index - step + 52) % 52]!;
      const after = raw[(index + step) % 52]!;
      if (!Number.isNaN(before) && !Number.isNaN(after)) return (before + after) / 2;
      if (!Number.isNaN(before)) return before;
      if (!Number.isNaN(after)) return after;
    }
    return 0;
  });
  const smoothed = filled.map((_, index) =>
    mean([filled[(index + 51) % 52]!, filled[index]!, filled[(index + 1) % 52]!]),
  );
  const weekOfYearBase = normaliseMean(smoothed.map(Math.exp));

  // Holiday weeks: ÷ median of the weeks 2..6 away on both sides (holiday and December peak weeks left out).
  const lifts = new Map<string, number[]>();
  const decemberRatios: number[][] = [[], [], []];
  const residualsAll: number[] = [];
  for (const list of detrended.values()) {
    const byDay = new Map(list.map((week) => [week.day, week]));
    for (const week of list) {
      const expected = Math.log(weekOfYearBase[weekIndex(week.day) - 1]!);
      if (!week.holiday && !isDecemberPeak(week.day)) residualsAll.push(week.value - expected);
      if (week.holiday) {
        const around: number[] = [];
        for (const offset of [-6, -5, -4, -3, -2, 2, 3, 4, 5, 6]) {
          const other = byDay.get(week.day + offset * 7);
          if (other && !other.holiday && !isDecemberPeak(other.day)) around.push(other.value);
        }
        if (around.length >= 4) {
          const name = holidayName(week.day);
          let values = lifts.get(name);
          if (!values) {
            values = [];
            lifts.set(name, values);
          }
          values.push(Math.exp(week.value - median(around)));
        }
      }
      if (isDecemberPeak(week.day)) {
        const date = new Date(week.day * DAY_MS).getUTCDate();
        const slot = date <= 13 ? 0 : date <= 20 ? 1 : 2;
        const year = new Date(week.day * DAY_MS).getUTCFullYear();
        const november: number[] = [];
        for (const other of list) {
          const when = new Date(other.day * DAY_MS);
          if (when.getUTCFullYear() === year && when.getUTCMonth() === 10 && !other.holiday) {
            november.push(other.value);
          }
        }
        if (november.length >= 2) decemberRatios[slot]!.push(Math.exp(week.value - mean(november)));
      }
    }
  }
  const holidayWeekLift: Record<string, number> = {};
  for (const [name, values] of [...lifts].sort(([a], [b]) => a.localeCompare(b))) {
    holidayWeekLift[name] = round(mean(values));
  }
  // The residual spread around the base curve, trimmed of the holiday weeks' own effect.
  return {
    weekOfYearBase: weekOfYearBase.map((value) => round(value)),
    weekOfYearObserved: observed.map((value) => round(value)),
    holidayWeekLift,
    decemberWeeks: decemberRatios.map((values) => round(mean(values))),
    weeklyLogSd: round(sd(residualsAll)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// M5: item × store daily units (training history only)

export function calibrateM5(file: string): CalibrationResult['m5'] {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const header = lines[0]!.split(',');
  const firstDay = header.findIndex((name) => name.startsWith('d_'));
  const dayCount = header.length - firstDay;
  let zeros = 0;
  let cells = 0;
  let dead = 0;
  const logRates: number[] = [];
  const rates: number[] = [];
  const shapes: number[] = [];
  const byItem = new Map<string, number>();
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    const cellsOfLine = line.split(',');
    const item = cellsOfLine[1]!;
    let sum = 0;
    let sumSq = 0;
    for (let column = firstDay; column < cellsOfLine.length; column++) {
      const value = Number(cellsOfLine[column]);
      if (value === 0) zeros++;
      sum += value;
      sumSq += value * value;
      cells++;
    }
    const m = sum / dayCount;
    const variance = sumSq / dayCount - m * m;
    rates.push(m);
    byItem.set(item, (byItem.get(item) ?? 0) + sum);
    if (sum === 0) {
      dead++;
      continue;
    }
    logRates.push(Math.log(m));
    if (m >= 0.5 && variance > m) shapes.push((m * m) / (variance - m));
  }
  const itemTotals = [...byItem.values()].sort((a, b) => b - a);
  const top = itemTotals.slice(0, Math.ceil(itemTotals.length * 0.2));
  const totalUnits = itemTotals.reduce((a, b) => a + b, 0);
  return {
    series: rates.length,
    days: dayCount,
    zeroShare: round(zeros / cells),
    deadShare: round(dead / rates.length),
    rateLogMean: round(mean(logRates)),
    rateLogSd: round(sd(logRates)),
    meanRate: round(mean(rates)),
    nbShape: round(median(shapes)),
    top20Share: round(top.reduce((a, b) => a + b, 0) / totalUnits),
  };
}

/** Default location of the shared outside data, relative to the repository root. */
export const DEFAULT_DATA_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export function calibrate(dataDir = DEFAULT_DATA_DIR): CalibrationResult {
  return {
    favorita: calibrateFavorita(path.join(dataDir, 'favorita')),
    walmart: calibrateWalmart(path.join(dataDir, 'walmart-weekly', 'Walmart.csv')),
    m5: calibrateM5(path.join(dataDir, 'm5', 'history', 'sales_item_store_d1762_d1941.csv')),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const flag = process.argv.indexOf('--data');
  const dir = flag >= 0 ? process.argv[flag + 1] : undefined;
  process.stdout.write(`${JSON.stringify(calibrate(dir ? path.resolve(dir) : undefined), null, 2)}\n`);
}
