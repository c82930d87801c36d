import { queryPositions, requireLedger } from '../../ledger/queries.ts';
import { ledgerLag } from '../../ledger/refresh.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from '../format.ts';

export const positionsCommand: Command = {
  name: 'positions',
  summary: 'Inventory positions per sku and node: buckets, reserved, available, inbound and value.',
  usage: 'retailos positions [--sku SKU] [--node NODE] [--as-of TIME] [--format table|json|csv]',
  details: [
    'Reads inventory_positions: sellable, reserved, available (= sellable - reserved; negative = oversold),',
    'damaged, quarantine, repair, returns_pending, on_hand, in_transit_in, on_order, inventory_value and',
    'avg_unit_cost (moving average). --as-of shows them as they stood at a business time (e.g. 2025-01-31 or',
    '2025-01-31T18:00:00Z), summed from the ledger movements up to then.',
    'Positions reflect the last `retailos refresh`; a note on stderr says when newer events are waiting.',
  ].join('\n'),
  options: {
    sku: { type: 'string', valueName: 'SKU', description: 'only this sku' },
    node: { type: 'string', valueName: 'NODE', description: 'only this node' },
    'as-of': { type: 'string', valueName: 'TIME', description: 'positions as of this business time' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
  },
  async run(args, io) {
    const format = outputFormat(args);
    return withLedger(args, io, async (warehouse) => {
      const result = await queryPositions(warehouse, {
        sku: args.values.sku as string | undefined,
        nodeId: args.values.node as string | undefined,
        asOf: args.values['as-of'] as string | undefined,
      });
      io.stdout.write(formatRows(result.columns, result.rows, format));
      return 0;
    });
  },
};

/** The --format flag, checked. */
export function outputFormat(args: ParsedArgs): OutputFormat {
  const format = (args.values.format as string | undefined) ?? 'table';
  if (!OUTPUT_FORMATS.includes(format as OutputFormat)) {
    throw new UserError(`Unknown --format "${format}": use table, json or csv.`);
  }
  return format as OutputFormat;
}

/**
 * Opens the warehouse (read-only unless `write`), checks it has the ledger, notes on stderr when events landed
 * after the last refresh, runs `work`, and closes the warehouse.
 */
export async function withLedger(
  args: ParsedArgs,
  io: CommandIo,
  work: (warehouse: Warehouse) => Promise<number>,
  write = false,
): Promise<number> {
  const dbPath = resolveDbPath(args.values.db as string | undefined, io.env);
  const warehouse = await Warehouse.open(dbPath, { readOnly: !write, create: false });
  try {
    await requireLedger(warehouse);
    const lag = await ledgerLag(warehouse);
    if (lag.pendingEvents > 0) {
      io.stderr.write(
        `note: ${lag.pendingEvents.toLocaleString('en-US')} event(s) landed since the last refresh; run retailos refresh\n`,
      );
    }
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}
