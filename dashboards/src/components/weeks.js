// Weekly totals of a measure for charts, on the weeks of mart_periods (kpi.js rangeWeeks): each point says
// whether its week is complete, so a chart draws the week in progress apart instead of as a cliff.
import { sum } from './data.js';

/** [{week, key, value, complete}]: Σ `measure` of the rows per week (and per `key` column when given). */
export function weeklyTotals(rows, weeks, key, measure) {
  const out = [];
  for (const week of weeks) {
    const start = week.week.getTime();
    const end = week.end.getTime();
    const inWeek = rows.filter((row) => row.day.getTime() >= start && row.day.getTime() < end);
    const groups = new Map();
    for (const row of inWeek) {
      const id = key ? row[key] : 'all';
      if (!groups.has(id)) groups.set(id, []);
      groups.get(id).push(row);
    }
    for (const [id, group] of groups)
      out.push({ week: week.week, key: id, value: sum(group, measure), complete: week.complete });
  }
  return out;
}
