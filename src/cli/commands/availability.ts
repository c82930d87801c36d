import { queryAvailability } from '../../ledger/queries.ts';
import type { Command } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

export const availabilityCommand: Command = {
  name: 'availability',
  summary: 'What each channel may sell per sku: eligible nodes’ available stock minus the channel buffer.',
  usage: 'retailos availability [--channel CHANNEL] [--sku SKU] [--format table|json|csv]',
  details: [
    'Reads channel_availability: available = the sum over the channel’s eligible nodes (its node_ids, or every',
    'can_ship node) of max(available, 0), minus buffer_units, minus buffer_pct of the rest (rounded down),',
    'never below 0. nodes_available is the sum before the buffer.',
  ].join('\n'),
  options: {
    channel: { type: 'string', valueName: 'CHANNEL', description: 'only this channel' },
    sku: { type: 'string', valueName: 'SKU', description: 'only this sku' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
  },
  async run(args, io) {
    const format = outputFormat(args);
    return withLedger(args, io, async (warehouse) => {
      const result = await queryAvailability(warehouse, {
        channelId: args.values.channel as string | undefined,
        sku: args.values.sku as string | undefined,
      });
      io.stdout.write(formatRows(result.columns, result.rows, format));
      return 0;
    });
  },
};
