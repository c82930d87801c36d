import { clockSettingValue, readBusinessClock } from '../../clock/business-clock.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { defineCommand } from '../command.ts';
import { formatTable } from '../format.ts';

interface SettingRow {
  key: string;
  value: string;
  description: string | null;
}

/**
 * The value to store for `key`, checked against what the key means, so a typo fails here and not in tonight's
 * refresh. The clock is stored in its one canonical form (src/clock/business-clock.ts).
 */
function storedValue(key: string, value: string): string {
  if (key === 'clock') return clockSettingValue(value);
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UserError(`${key} takes a non-negative number, got "${value}"`);
  return value;
}

export const settingsCommand = defineCommand({
  name: 'settings',
  summary:
    "List or change the ledger's tunables (business clock, count tolerances, ATP horizon, KPI windows).",
  usage: 'retailos settings [KEY [VALUE]]',
  details: [
    'Without arguments: every setting with its value and meaning, and the business clock in force. With KEY: that',
    'one. With KEY VALUE: set it.',
    '`clock` is the business "now" of overdue checks, SLAs, ATP, ageing, KPI windows, alerts, plans and everything',
    "retailos writes. '' (automatic, the default): the wall clock while the data is live, the data's watermark (its",
    'newest operational event) once the wall clock is more than `clock_watermark_days` (default 3) past it —',
    'replayed or historical data. `wall`: always the wall clock. An ISO-8601 time pins it: 2025-03-01,',
    '2025-03-01T08:00:00Z, 2025-03-01T08:00:00+01:00 (a time without offset is UTC). `retailos status` says which',
    'clock is in force and why. Read models pick changes up on their next read.',
  ].join('\n'),
  options: {},
  arguments: [{ name: 'KEY' }, { name: 'VALUE' }],
  async run(args, io) {
    const [key, value] = args.positionals;
    const dbPath = resolveDbPath(args.values.db, io.env);
    // Reading the settings never writes (a listing); only KEY VALUE opens the warehouse for writing.
    const warehouse = await Warehouse.open(dbPath, { create: false, readOnly: value === undefined });
    try {
      const rows = await warehouse.all<SettingRow>(
        'SELECT key, value, description FROM ledger_settings ORDER BY key',
      );
      if (key !== undefined && !rows.some((row) => row.key === key)) {
        throw new UserError(`unknown setting "${key}"; known: ${rows.map((row) => row.key).join(', ')}`);
      }
      if (value !== undefined) {
        const stored = storedValue(key!, value);
        await warehouse.run('UPDATE ledger_settings SET value = $value WHERE key = $key', {
          key: key!,
          value: stored,
        });
        io.stdout.write(`${key} = ${stored === '' ? "'' (automatic)" : stored}\n`);
      } else {
        const shown = rows.filter((row) => key === undefined || row.key === key);
        io.stdout.write(
          formatTable(
            ['key', 'value', 'meaning'],
            shown.map((row) => ({
              key: row.key,
              value: row.value === '' ? "''" : row.value,
              meaning: row.description ?? '',
            })),
          ),
        );
      }
      if (key === undefined || key.startsWith('clock')) {
        const clock = await readBusinessClock(warehouse);
        io.stdout.write(`business clock in force: ${clock.at.toISOString()}, ${clock.reason}\n`);
      }
      return 0;
    } finally {
      await warehouse.close();
    }
  },
});
