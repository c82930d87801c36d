import { type AuditSubject, auditTrail } from '../../workflow/audit.ts';
import { warehouseReader } from '../../workflow/reader.ts';
import { type CommandIo, defineCommand, defineGroup } from '../command.ts';
import { formatRows, type OutputFormat } from '../format.ts';
import { withLedger } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

/** The subcommands: the subject whose history, what its id is, and its help line. */
const KINDS = [
  { name: 'sku', kind: 'sku_node', id: 'SKU', summary: 'The history of a sku at a node (--node NODE).' },
  { name: 'order', kind: 'order', id: 'ORDER_ID', summary: 'The history of an order.' },
  { name: 'po', kind: 'po', id: 'PO_ID', summary: 'The history of a purchase order.' },
  { name: 'exception', kind: 'exception', id: 'EXCEPTION_ID', summary: 'The decisions on an exception.' },
  { name: 'approval', kind: 'approval', id: 'REQUEST_ID', summary: 'The history of an approval request.' },
  {
    name: 'external',
    kind: 'external',
    id: 'REF',
    summary: "A sales channel's order by its own reference (--channel ID to narrow).",
  },
] as const satisfies readonly { name: string; kind: AuditSubject; id: string; summary: string }[];

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

const COLUMNS = ['occurred_at', 'type', 'actor', 'source', 'event_id', 'payload'];

const LIST_OPTIONS = {
  limit: { type: 'int', min: 1, valueName: 'N', description: 'at most N events (default 10,000)' },
  ...FORMAT_OPTION,
} as const;

type Subject = (typeof KINDS)[number];

/** Prints the subject's history, or why it is empty. */
function printHistory(
  subject: Subject,
  request: {
    id: string;
    node?: string | undefined;
    channel?: string | undefined;
    limit: number | undefined;
    format: OutputFormat;
  },
  db: string | undefined,
  io: CommandIo,
): Promise<number> {
  const { id, node, channel, limit, format } = request;
  return withLedger({ db }, io, async (warehouse) => {
    const rows = await auditTrail(warehouseReader(warehouse), {
      kind: subject.kind,
      id,
      nodeId: node,
      channelId: channel,
      ...(limit === undefined ? {} : { limit }),
    });
    io.stdout.write(formatRows(COLUMNS, rows as unknown as Record<string, unknown>[], format));
    if (rows.length === 0) io.stderr.write(`${NOTHING[subject.kind](id, node)}\n`);
    return 0;
  });
}

const idArgument = (subject: Subject) =>
  ({
    name: subject.id,
    required: true,
    missing: `Say whose history: retailos audit ${subject.name} ${subject.id} (see --help)`,
  }) as const;

const [SKU, ...OTHERS] = KINDS;

const sku = defineCommand({
  name: SKU.name,
  summary: SKU.summary,
  options: { node: { type: 'string', valueName: 'NODE', description: 'the node' }, ...LIST_OPTIONS },
  arguments: [idArgument(SKU)],
  run: (args, io) => printHistory(SKU, { id: args.positionals[0]!, ...args.values }, args.values.db, io),
});

const CHANNEL_OPTION = {
  channel: { type: 'string', valueName: 'ID', description: 'external: only this channel' },
} as const;

const others = OTHERS.map((subject) =>
  defineCommand({
    name: subject.name,
    summary: subject.summary,
    // only a channel order's reference can be narrowed to a channel
    options: subject.kind === 'external' ? { ...CHANNEL_OPTION, ...LIST_OPTIONS } : LIST_OPTIONS,
    arguments: [idArgument(subject)],
    run: (args, io) =>
      printHistory(subject, { id: args.positionals[0]!, ...args.values }, args.values.db, io),
  }),
);

export const auditCommand = defineGroup({
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
  subcommands: [sku, ...others],
  missing: `Say whose history: retailos audit ${KINDS.map((k) => k.name).join('|')} ID (see --help)`,
});
