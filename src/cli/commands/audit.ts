import { UserError } from '../../warehouse/errors.ts';
import { type AuditSubject, auditTrail } from '../../workflow/audit.ts';
import { positiveInt, stringFlag } from '../../workflow/cli-support.ts';
import { warehouseReader } from '../../workflow/reader.ts';
import type { Command } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

const KINDS: Record<string, AuditSubject> = {
  sku: 'sku_node',
  order: 'order',
  po: 'po',
  exception: 'exception',
  approval: 'approval',
  external: 'external',
};

/** Why a history can be empty, and where the ids come from. */
const NOTHING: Record<AuditSubject, (id: string, node: string | undefined) => string> = {
  sku_node: (id, node) => `No events for ${id} at ${node}: check both ids (retailos positions --sku ${id}).`,
  order: (id) =>
    `No events for order ${id}: order ids are those of the order events (retailos allocate --explain ${id}).`,
  po: (id) =>
    `No events for purchase order ${id}: approved recommendations order as PO-<recommendation id> (retailos replenish list --status ordered).`,
  exception: (id) =>
    `No history for exception ${id}: it has none until someone acts on it, or the id is unknown (retailos exceptions list).`,
  approval: (id) => `No history for approval request ${id} (retailos approvals list).`,
  external: (id) =>
    `No channel order with the reference ${id}: give the order's name or number as the channel shows it (#1001, 1001, an Amazon order id); orders refused at ingest are in retailos rejects list.`,
};

export const auditCommand: Command = {
  name: 'audit',
  summary:
    'The full history of a sku × node, order, PO, exception or approval: events and decisions with actors.',
  usage:
    'retailos audit sku SKU --node NODE | order ID | external REF [--channel ID] | po ID | exception ID | approval ID [--limit N] [--format FMT]',
  details: [
    'Every event of the subject in ledger order (business time, then arrival) with its actor and source,',
    'and the workflow decisions on its exceptions and approval requests. Read from the event log itself.',
    'The ids are those other commands print: exception ids of retailos exceptions list or allocate --explain,',
    'request ids of retailos approvals list, PO ids of retailos replenish explain (PO-<recommendation id>).',
    "external REF: a sales channel's order by its own reference (a Shopify name #1001 or order id, an Amazon",
    'order id, a WooCommerce order number), as landed by the channel webhooks and ingest --from.',
  ].join('\n'),
  options: {
    node: { type: 'string', valueName: 'NODE', description: 'sku: the node' },
    channel: { type: 'string', valueName: 'ID', description: 'external: only this channel' },
    limit: { type: 'string', valueName: 'N', description: 'at most N events (default 10,000)' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
  },
  async run(args, io) {
    const [what, id] = args.positionals;
    const kind = what === undefined ? undefined : KINDS[what];
    if (kind === undefined || id === undefined) {
      throw new UserError(
        `Say whose history: retailos audit ${Object.keys(KINDS).join('|')} ID (see --help)`,
      );
    }
    const format = outputFormat(args);
    const limit = positiveInt(stringFlag(args, 'limit'), '--limit');
    return withLedger(args, io, async (warehouse) => {
      const rows = await auditTrail(warehouseReader(warehouse), {
        kind,
        id,
        nodeId: stringFlag(args, 'node'),
        channelId: stringFlag(args, 'channel'),
        ...(limit === undefined ? {} : { limit }),
      });
      const columns = ['occurred_at', 'type', 'actor', 'source', 'event_id', 'payload'];
      io.stdout.write(formatRows(columns, rows as unknown as Record<string, unknown>[], format));
      if (rows.length === 0) io.stderr.write(`${NOTHING[kind](id, stringFlag(args, 'node'))}\n`);
      return 0;
    });
  },
};
