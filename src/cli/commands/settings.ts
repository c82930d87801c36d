import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command } from '../command.ts';
import { formatTable } from '../format.ts';

interface SettingRow {
  key: string;
  value: string;
  description: string | null;
}

/** Checks a value against what its key means, so a typo fails here and not in tonight's refresh. */
function validate(key: string, value: string): void {
  if (key === 'clock') {
    if (value !== '' && Number.isNaN(Date.parse(value)))
      throw new UserError(`clock takes an ISO-8601 timestamp or '' (the wall clock), got "${value}"`);
    return;
  }
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UserError(`${key} takes a non-negative number, got "${value}"`);
}

export const settingsCommand: Command = {
  name: 'settings',
  summary:
    "List or change the ledger's tunables (business clock, count tolerances, ATP horizon, KPI windows).",
  usage: 'retailos settings [KEY [VALUE]]',
  details: [
    'Without arguments: every setting with its value and meaning. With KEY: that one. With KEY VALUE: set it.',
    '`clock` is the business "now" of overdue checks, ATP, ageing and KPI windows: empty follows the wall clock;',
    "the demo pins it to its simulation's last event. Read models pick changes up on their next read.",
  ].join('\n'),
  options: {},
  async run(args, io) {
    const [key, value, ...extra] = args.positionals;
    if (extra.length > 0) throw new UserError('settings takes at most KEY and VALUE');
    const dbPath = resolveDbPath(args.values.db as string | undefined, io.env);
    const warehouse = await Warehouse.open(dbPath, { create: false });
    try {
      const rows = await warehouse.all<SettingRow>(
        'SELECT key, value, description FROM ledger_settings ORDER BY key',
      );
      if (key !== undefined && !rows.some((row) => row.key === key)) {
        throw new UserError(`unknown setting "${key}"; known: ${rows.map((row) => row.key).join(', ')}`);
      }
      if (value !== undefined) {
        validate(key!, value);
        await warehouse.run('UPDATE ledger_settings SET value = $value WHERE key = $key', {
          key: key!,
          value,
        });
        io.stdout.write(`${key} = ${value === '' ? "'' (wall clock)" : value}\n`);
        return 0;
      }
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
      return 0;
    } finally {
      await warehouse.close();
    }
  },
};
