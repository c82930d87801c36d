// KPIs on the pages: the numerators and denominators of mart_kpi_daily (the one definition, in SQL) added up
// over the filter selection by the KPI's aggregation rule (mart_kpi_definitions), exactly as mart_kpis does
// per period for the API. Weeks come from mart_periods with their `complete` flag: trends and deltas compare
// complete weeks only; the week in progress is shown apart, never against a complete one.
import { rowsOf } from './data.js';

const DAY = 86_400_000;

/** KPI definitions by name (kpi_definitions dataset). */
export function kpiDefinitions(file) {
  return new Map(rowsOf(file).map((row) => [row.kpi, row]));
}

/** The reporting days (mart_periods) inside the filters' date range, as Dates in time order. */
export function rangeDays(periodsFile, filters = {}) {
  const from = filters.from ? filters.from.getTime() : -Infinity;
  const to = filters.to ? filters.to.getTime() : Infinity;
  return rowsOf(periodsFile)
    .filter(
      (row) =>
        row.period_grain === 'day' && row.period_start.getTime() >= from && row.period_start.getTime() <= to,
    )
    .map((row) => row.period_start)
    .sort((a, b) => a - b);
}

/** The weeks (mart_periods) overlapping the range; complete when the week has ended and lies wholly in it. */
export function rangeWeeks(periodsFile, days) {
  if (!days.length) return [];
  const first = days[0].getTime();
  const last = days.at(-1).getTime();
  return rowsOf(periodsFile)
    .filter(
      (row) =>
        row.period_grain === 'week' && row.period_end.getTime() > first && row.period_start.getTime() <= last,
    )
    .map((row) => ({
      week: row.period_start,
      end: row.period_end,
      complete:
        Boolean(row.complete) &&
        row.period_start.getTime() >= first &&
        row.period_end.getTime() - DAY <= last,
      days: days.filter((day) => day >= row.period_start && day < row.period_end),
    }))
    .sort((a, b) => a.week - b.week);
}

/**
 * The value of a KPI over rows of that KPI (already filtered) and the selected days, by its aggregation:
 * ratio = Σ numerator / Σ denominator; last = the same over the last day's rows; cover = the last day's
 * numerator / (Σ denominator / days × 7). × 100 for '%'. Without a denominator: the numerator (0 if none).
 */
export function kpiValue(def, rows, days) {
  if (!def || !days.length) return null;
  const lastDay = days.at(-1).getTime();
  const inDays = new Set(days.map((day) => day.getTime()));
  let numerator = 0;
  let denominator = 0;
  for (const row of rows) {
    const day = row.day.getTime();
    if (!inDays.has(day)) continue;
    const isLast = day === lastDay;
    if (def.aggregation === 'ratio' || isLast) numerator += Number(row.numerator) || 0;
    if (def.aggregation === 'ratio' || def.aggregation === 'cover' || (def.aggregation === 'last' && isLast))
      denominator += Number(row.denominator) || 0;
  }
  if (!def.has_denominator) return numerator;
  if (def.aggregation === 'cover') denominator = (denominator / days.length) * 7;
  return denominator > 0 ? ((def.unit === '%' ? 100 : 1) * numerator) / denominator : null;
}

/** Weekly values of a KPI over the range's weeks: [{week, value, complete}]. */
export function kpiWeekly(def, rows, weeks) {
  return weeks
    .map((week) => ({ week: week.week, complete: week.complete, value: kpiValue(def, rows, week.days) }))
    .filter((point) => point.value !== null);
}

/** Daily values of a KPI: [{day, value}]. */
export function kpiDaily(def, rows, days) {
  return days
    .map((day) => ({ day, value: kpiValue(def, rows, [day]) }))
    .filter((point) => point.value !== null);
}

/**
 * A KPI's rows from a kpi_* dataset with the filters applied: the page's selection. `keys` maps the filters
 * to columns (a KPI without that dimension has NULL there and is not filtered by it).
 */
export function kpiRows(rows, name) {
  return rows.filter((row) => row.kpi === name);
}
