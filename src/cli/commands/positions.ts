import { queryPositions } from '../../ledger/queries.ts';
import { defineCommand } from '../command.ts';
import { formatRows } from '../format.ts';
import { withLedger } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

export const positionsCommand = defineCommand({
  name: 'positions',
  summary: 'Inventory positions per sku and node: buckets, reserved, available, inbound and value.',
  usage: 'retailos positions [--sku SKU] [--node NODE] [--as-of TIME] [--format table|json|csv]',
  details: [
    'Reads inventory_positions: sellable, reserved, available (= sellable - reserved; negative = oversold),',
    'damaged, quarantine, repair, returns_pending, on_hand, in_transit_in, on_order, inventory_value and',
    'avg_unit_cost (moving average). --as-of shows them as they stood at a business time (e.g. 2025-01-31 or',
    '2025-01-31T18:00:00Z; a time without offset is UTC), summed from the ledger movements up to then.',
    'Positions reflect the last `retailos refresh`; a note on stderr says when newer events are waiting.',
  ].join('\n'),
  options: {
    sku: { type: 'string', valueName: 'SKU', description: 'only this sku' },
    node: { type: 'string', valueName: 'NODE', description: 'only this node' },
    'as-of': { type: 'time', valueName: 'TIME', description: 'positions as of this business time' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { sku, node, 'as-of': asOf, format } = args.values;
    return withLedger({ db: args.values.db }, io, async (warehouse) => {
      const result = await queryPositions(warehouse, { sku, nodeId: node, asOf: asOf?.toISOString() });
      io.stdout.write(formatRows(result.columns, result.rows, format));
      return 0;
    });
  },
});
