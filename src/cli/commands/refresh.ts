import { refreshLedger } from '../../ledger/refresh.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { defineCommand } from '../command.ts';
import { formatCount, toJsonValue } from '../format.ts';

export const refreshCommand = defineCommand({
  name: 'refresh',
  summary: 'Apply newly landed events to the inventory ledger (incremental; --full rebuilds from the log).',
  usage: 'retailos refresh [--full [--release-quarantine]] [--json]',
  details: [
    'Incremental: each (sku, node) touched by new events continues from its stored state; a late event (earlier',
    'in business time than what is already applied) recomputes only the accounts it touches. --full replays the',
    'whole event log through the same path and gives the identical result. One transaction: all or nothing.',
    'An event the ledger cannot apply (e.g. unreadable JSON landed before the contract refused it) is quarantined',
    'with its reason (`retailos rejects list`, exception quarantined_event) and the rest is applied.',
    '--release-quarantine (with --full) judges quarantined events again, after a fix of the refresh itself.',
  ].join('\n'),
  options: {
    full: { type: 'boolean', description: 'rebuild the ledger from the whole event log' },
    'release-quarantine': {
      type: 'boolean',
      description: 'with --full: judge quarantined events again (they go back if still unreadable)',
    },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  async run(args, io) {
    const dbPath = resolveDbPath(args.values.db, io.env);
    // Opening read-write applies pending migrations (the ledger's tables) and models.
    const warehouse = await Warehouse.open(dbPath, { create: false });
    try {
      const full = args.values.full === true;
      if (args.values['release-quarantine'] === true && !full) {
        throw new UserError(
          '--release-quarantine takes --full (the quarantine is judged again by a full replay)',
        );
      }
      const result = await refreshLedger(warehouse, {
        full,
        releaseQuarantine: args.values['release-quarantine'] === true,
      });
      if (args.values.json === true) {
        io.stdout.write(`${JSON.stringify(toJsonValue(result))}\n`);
        return 0;
      }
      if (result.quarantined > 0) {
        io.stdout.write(
          `${formatCount(result.quarantined)} event(s) quarantined: the ledger cannot apply them ` +
            '(see `retailos rejects list`, reason quarantined); everything else was applied.\n',
        );
      }
      io.stdout.write(
        result.events === 0
          ? 'Ledger up to date: no new events.\n'
          : result.mode === 'full'
            ? `Ledger rebuilt: ${formatCount(result.events)} events, ` +
              `${formatCount(result.appendedAccounts + result.rebuiltAccounts)} stock accounts, ` +
              `${result.seconds.toFixed(2)} s.\n`
            : `Ledger refreshed: ${formatCount(result.events)} new events (seq ${result.fromSeq + 1}..${result.toSeq}), ` +
              `${formatCount(result.appendedAccounts)} stock accounts continued, ` +
              `${formatCount(result.rebuiltAccounts)} recomputed (late events and their dependents), ` +
              `${result.seconds.toFixed(2)} s.\n`,
      );
      return 0;
    } finally {
      await warehouse.close();
    }
  },
});
