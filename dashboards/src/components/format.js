// One set of number and date formats for every page, so the same measure reads the same everywhere.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const moneyCents = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});
const moneyCompact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const day = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const dayTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

const missing = '–';
const ok = (value) => value !== null && value !== undefined && Number.isFinite(value);

export const fmt = {
  int: (value) => (ok(value) ? integer.format(value) : missing),
  dec: (value) => (ok(value) ? decimal.format(value) : missing),
  compact: (value) => (ok(value) ? compact.format(value) : missing),
  pct: (value) => (ok(value) ? `${decimal.format(value)}%` : missing),
  money: (value) => (ok(value) ? money.format(value) : missing),
  moneyCents: (value) => (ok(value) ? moneyCents.format(value) : missing),
  moneyCompact: (value) => (ok(value) ? moneyCompact.format(value) : missing),
  hours: (value) => (ok(value) ? `${decimal.format(value)} h` : missing),
  days: (value) => (ok(value) ? `${decimal.format(value)} d` : missing),
  weeks: (value) => (ok(value) ? `${decimal.format(value)} wk` : missing),
  date: (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? day.format(value) : missing),
  dateTime: (value) =>
    value instanceof Date && !Number.isNaN(value.getTime()) ? dayTime.format(value) : missing,
};

/** Formats for a KPI by its unit. */
export function formatFor(unit) {
  switch (unit) {
    case '%':
      return fmt.pct;
    case 'hours':
      return fmt.hours;
    case 'money':
      return fmt.moneyCents;
    case 'weeks':
      return fmt.weeks;
    case 'days':
      return fmt.days;
    case 'count':
      return fmt.int;
    default:
      return fmt.dec;
  }
}

/** Inputs.table options giving every numeric column the shared formats. */
export function tableFormats(columns) {
  const format = {};
  for (const [name, kind] of Object.entries(columns)) format[name] = fmt[kind];
  return format;
}
