// Turning a snapshot dataset file into rows the pages filter: ISO timestamps become Dates.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function rowsOf(file) {
  if (!file || !Array.isArray(file.rows)) return [];
  return file.rows.map((row) => {
    const out = {};
    for (const [key, value] of Object.entries(row))
      out[key] = typeof value === 'string' && ISO.test(value) ? new Date(value) : value;
    return out;
  });
}

export const sum = (rows, key) => rows.reduce((total, row) => total + (Number(row[key]) || 0), 0);

/** Σ numerator / Σ denominator, scaled (100 for percentages); null when there is no denominator. */
export function ratio(rows, num, den, scale = 1) {
  const d = sum(rows, den);
  return d > 0 ? (scale * sum(rows, num)) / d : null;
}

/** The Monday that starts the ISO week of a date (UTC). */
export function weekOf(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

/** Groups rows by a key function; returns [key, rows] pairs sorted by key. */
export function groupBy(rows, keyOf) {
  const groups = new Map();
  for (const row of rows) {
    const key = keyOf(row);
    const id = key instanceof Date ? key.getTime() : key;
    if (!groups.has(id)) groups.set(id, { key, rows: [] });
    groups.get(id).rows.push(row);
  }
  return [...groups.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((g) => [g.key, g.rows]);
}

/** Weekly series of a ratio KPI: [{week, value}] from rows with a day column. */
export function weeklyRatio(rows, num, den, scale = 1) {
  return groupBy(rows, (row) => weekOf(row.day))
    .map(([week, group]) => ({ week, value: ratio(group, num, den, scale) }))
    .filter((point) => point.value !== null);
}
