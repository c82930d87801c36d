import type { DuckDBConnection } from '@duckdb/node-api';
import { createInputTables } from '../features/inputs.ts';

/** Day 1 of M5 (d_1). */
export const M5_START = '2011-01-29';

export interface M5Files {
  /** Wide sales: id, item_id, dept_id, cat_id, store_id, state_id, d_<n>… */
  sales: string;
  /** calendar.csv (no d column) or calendar_with_d.csv. */
  calendar: string;
  /** Weekly prices (store_id,item_id,wm_yr_wk,sell_price) or latest prices (store_id,item_id,sell_price). */
  prices?: string;
}

export interface M5Loaded {
  /** Series in input order (series_id = index). */
  ids: string[];
  keys: { item_id: string; dept_id: string; cat_id: string; store_id: string; state_id: string }[];
  firstDay: number;
  /** Last day with sales used as history (the forecast origin). */
  lastDay: number;
  /** Last d_ column in the file (> lastDay when days are held out). */
  fileLastDay: number;
}

/**
 * Loads the M5 item × store files into the feature input tables (series = item × store; location =
 * store, category = department, region = state with its SNAP days). Days after `lastDay` are kept
 * out of ml_demand's qty (held out for scoring) but their prices stay: M5 publishes prices ahead.
 * The raw wide table stays available as `m5_sales` for scoring the held-out days.
 */
export async function loadM5(
  connection: DuckDBConnection,
  files: M5Files,
  options: { lastDay?: number; horizon: number },
): Promise<M5Loaded> {
  await createInputTables(connection);
  await connection.run(
    "CREATE OR REPLACE TEMP TABLE m5_sales AS SELECT * FROM read_csv($path, header = true, nullstr = ['NA', ''])",
    { path: files.sales },
  );
  const columns = (await connection.runAndReadAll('SELECT * FROM m5_sales LIMIT 0')).columnNames();
  const days = columns.filter((name) => /^d_\d+$/.test(name)).map((name) => Number(name.slice(2)));
  for (const required of ['id', 'item_id', 'dept_id', 'cat_id', 'store_id', 'state_id']) {
    if (!columns.includes(required)) throw new Error(`${files.sales}: no column ${required}`);
  }
  if (days.length === 0) throw new Error(`${files.sales}: no d_ columns`);
  const firstDay = Math.min(...days);
  const fileLastDay = Math.max(...days);
  const lastDay = options.lastDay ?? fileLastDay;
  if (lastDay < firstDay || lastDay > fileLastDay)
    throw new Error(`last day d_${lastDay} is outside the file`);

  await connection.run(`
    CREATE OR REPLACE TEMP TABLE m5_ids AS
    SELECT (row_number() OVER () - 1)::INTEGER AS series_id, id, item_id, dept_id, cat_id, store_id, state_id
    FROM (SELECT id, item_id, dept_id, cat_id, store_id, state_id FROM m5_sales)`);
  await connection.run(`
    INSERT INTO ml_series
    SELECT series_id, id, item_id, store_id, NULL, store_id, dept_id, state_id,
      (dense_rank() OVER (ORDER BY store_id))::INTEGER, (dense_rank() OVER (ORDER BY dept_id))::INTEGER, NULL
    FROM m5_ids`);

  await loadM5Calendar(connection, files.calendar);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE m5_long AS
    SELECT i.series_id, CAST(substr(u.d, 3) AS INTEGER) AS t, u.qty::DOUBLE AS qty
    FROM (UNPIVOT m5_sales ON COLUMNS('^d_\\d+$') INTO NAME d VALUE qty) u
    JOIN m5_ids i ON i.id = u.id`);
  await loadM5Prices(connection, files.prices, firstDay, lastDay + options.horizon);
  await connection.run(
    `INSERT INTO ml_demand
     SELECT s.series_id, c.t, CASE WHEN c.t <= $last THEN coalesce(l.qty, 0) END, NULL, p.price, NULL, NULL
     FROM m5_ids s CROSS JOIN (SELECT t FROM ml_calendar WHERE t >= $first AND t <= $last + $horizon) c
     LEFT JOIN m5_long l ON l.series_id = s.series_id AND l.t = c.t
     LEFT JOIN m5_prices p ON p.series_id = s.series_id AND p.t = c.t
     ORDER BY s.series_id, c.t`,
    { first: firstDay, last: lastDay, horizon: options.horizon },
  );
  const ids = await connection.runAndReadAll(
    'SELECT id, item_id, dept_id, cat_id, store_id, state_id FROM m5_ids ORDER BY series_id',
  );
  const rows = ids.getRowObjectsJS() as Record<string, string>[];
  return {
    ids: rows.map((row) => row.id!),
    keys: rows.map((row) => ({
      item_id: row.item_id!,
      dept_id: row.dept_id!,
      cat_id: row.cat_id!,
      store_id: row.store_id!,
      state_id: row.state_id!,
    })),
    firstDay,
    lastDay,
    fileLastDay,
  };
}

/** ml_calendar and ml_region_days (SNAP per state) from either calendar file. */
export async function loadM5Calendar(connection: DuckDBConnection, file: string): Promise<void> {
  await connection.run(
    "CREATE OR REPLACE TEMP TABLE m5_calendar AS SELECT * FROM read_csv($path, header = true, nullstr = ['NA', ''])",
    { path: file },
  );
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE m5_days AS
    SELECT (date::DATE - DATE '${M5_START}' + 1)::INTEGER AS t, date::DATE AS date, wm_yr_wk,
      event_name_1, event_type_1, snap_CA, snap_TX, snap_WI
    FROM m5_calendar`);
  await connection.run(`
    INSERT INTO ml_calendar
    SELECT t, date,
      CASE WHEN event_name_1 IS NULL THEN 0 ELSE dense_rank() OVER (ORDER BY event_name_1) END,
      CASE event_type_1 WHEN 'Sporting' THEN 1 WHEN 'Cultural' THEN 2 WHEN 'National' THEN 3
        WHEN 'Religious' THEN 4 ELSE 0 END
    FROM m5_days`);
  await connection.run(`
    INSERT INTO ml_region_days
    SELECT 'CA', t, snap_CA FROM m5_days UNION ALL
    SELECT 'TX', t, snap_TX FROM m5_days UNION ALL
    SELECT 'WI', t, snap_WI FROM m5_days`);
}

async function loadM5Prices(
  connection: DuckDBConnection,
  file: string | undefined,
  first: number,
  last: number,
): Promise<void> {
  await connection.run('CREATE OR REPLACE TEMP TABLE m5_prices (series_id INTEGER, t INTEGER, price DOUBLE)');
  if (!file) return;
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE m5_price_file AS SELECT * FROM read_csv($path, header = true)',
    { path: file },
  );
  const columns = (await connection.runAndReadAll('SELECT * FROM m5_price_file LIMIT 0')).columnNames();
  if (columns.includes('wm_yr_wk')) {
    await connection.run(
      `INSERT INTO m5_prices
       SELECT i.series_id, d.t, p.sell_price
       FROM m5_price_file p
       JOIN m5_ids i ON i.item_id = p.item_id AND i.store_id = p.store_id
       JOIN m5_days d ON d.wm_yr_wk = p.wm_yr_wk
       WHERE d.t BETWEEN $first AND $last`,
      { first, last },
    );
  } else {
    // one price per item × store: a level feature only (no price changes to learn from)
    await connection.run(
      `INSERT INTO m5_prices
       SELECT i.series_id, d.t, p.sell_price
       FROM m5_price_file p
       JOIN m5_ids i ON i.item_id = p.item_id AND i.store_id = p.store_id
       CROSS JOIN (SELECT t FROM m5_days WHERE t BETWEEN $first AND $last) d`,
      { first, last },
    );
  }
}
