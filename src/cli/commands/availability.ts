import { queryAvailability } from '../../ledger/queries.ts';
import { defineCommand } from '../command.ts';
import { formatRows } from '../format.ts';
import { withLedger } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

export const availabilityCommand = defineCommand({
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
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    return withLedger({ db: args.values.db }, io, async (warehouse) => {
      const result = await queryAvailability(warehouse, {
        channelId: args.values.channel,
        sku: args.values.sku,
      });
      io.stdout.write(formatRows(result.columns, result.rows, args.values.format));
      return 0;
    });
  },
});
