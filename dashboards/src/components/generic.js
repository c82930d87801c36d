// Helpers for read models other issues are still building: their columns are read when present, by the
// names their docs give, so a page fills in as soon as the model lands.
export const first = (row, names) => {
  for (const name of names) if (row?.[name] !== undefined && row[name] !== null) return row[name];
  return undefined;
};

/** The first column whose values are Dates (for timelines of tables we do not know yet). */
export function timeColumn(rows, preferred = []) {
  const columns = Object.keys(rows[0] ?? {});
  return (
    preferred.find((name) => rows[0]?.[name] instanceof Date) ??
    columns.find((name) => rows[0]?.[name] instanceof Date)
  );
}

/** Approval requests still waiting for a decision, and the age of the oldest. */
export function approvalsWaiting(rows, asOf) {
  if (!rows.length) return { available: false, waiting: [], oldestHours: null };
  const waiting = rows.filter((row) => String(first(row, ['status', 'state']) ?? '') === 'pending');
  const times = waiting
    .map((row) => first(row, ['requested_at', 'created_at', 'at', 'opened_at']))
    .filter((value) => value instanceof Date);
  const oldest = times.length ? Math.min(...times.map((t) => t.getTime())) : null;
  return {
    available: true,
    waiting,
    oldestHours: oldest === null ? null : (asOf.getTime() - oldest) / 3_600_000,
  };
}

/**
 * Stock curves a recommendation carries (arrays of numbers or of {date|day, qty|units|value} points, or
 * their JSON text), as [{series, x, y}] for a line chart.
 */
/** The first line of a replenishment recommendation (`lines`: JSON array of per-sku plans), if any. */
export function primaryLine(row) {
  let lines = row?.lines;
  if (typeof lines === 'string') {
    try {
      lines = JSON.parse(lines);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(lines) && lines[0] && typeof lines[0] === 'object' ? lines[0] : undefined;
}

export function curvesOf(row) {
  // A replenishment recommendation: its first line's projected stock without and with the order.
  const line = primaryLine(row);
  if (line && Array.isArray(line.curve)) {
    return line.curve.flatMap((point) => [
      { series: 'without', x: new Date(point.day), y: point.without },
      { series: 'with', x: new Date(point.day), y: point.with },
    ]);
  }
  const out = [];
  for (const [key, raw] of Object.entries(row)) {
    let value = raw;
    if (typeof value === 'string' && value.startsWith('[')) {
      try {
        value = JSON.parse(value);
      } catch {
        continue;
      }
    }
    if (!Array.isArray(value) || value.length < 2) continue;
    value.forEach((point, index) => {
      if (typeof point === 'number') out.push({ series: key, x: index, y: point });
      else if (point && typeof point === 'object') {
        const x = first(point, ['date', 'day', 'at', 'offset']) ?? index;
        const y = first(point, ['qty', 'units', 'value', 'stock', 'projected']);
        if (typeof y === 'number') out.push({ series: key, x: typeof x === 'string' ? new Date(x) : x, y });
      }
    });
  }
  return out;
}
