import { EXCEPTION_RESOLUTION_CODES, type ExceptionResolutionCode } from '../../contracts/index.ts';
import { UserError } from '../../warehouse/errors.ts';
import {
  ACTOR_OPTIONS,
  commandContext,
  positiveInt,
  requiredId,
  stringFlag,
  withWorkflowWrites,
} from '../../workflow/cli-support.ts';
import { EXCEPTION_STATUSES } from '../../workflow/exception-machine.ts';
import { defaultExceptionPolicy } from '../../workflow/exception-policy.ts';
import {
  actOnException,
  type ExceptionActionInput,
  listQueue,
  syncExceptions,
  warehouseReader,
} from '../../workflow/exceptions.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

const LEDGER_TYPES = [
  'oversell',
  'negative_stock',
  'inventory_mismatch',
  'transfer_overdue',
  'po_overdue',
  'unknown_reference',
  'master_data',
  'backorder',
  'promise_at_risk',
  'substitution_offered',
  'fulfilment_hold',
];

const ACTIONS = { ack: 'acknowledge', resolve: 'resolve', assign: 'assign', reopen: 'reopen' } as const;
const USAGE =
  'retailos exceptions [list] [--type T] [--severity S] [--status S] [--sku SKU] [--node NODE] [--order ID]\n' +
  '                           [--owner ROLE] [--assignee NAME] [--now TIME] [--limit N] [--format FMT]\n' +
  '       retailos exceptions sync [--now TIME]\n' +
  '       retailos exceptions ack|reopen ID [--note TEXT] [--actor NAME] [--role ROLE] [--at TIME]\n' +
  '       retailos exceptions resolve ID [--code CODE] [--note TEXT] [--actor NAME] [--role ROLE] [--at TIME]\n' +
  '       retailos exceptions assign ID --to NAME [--note TEXT] [--actor NAME] [--role ROLE] [--at TIME]';

const COLUMNS = [
  'exception_id',
  'exception_type',
  'severity',
  'status',
  'priority',
  'owner_role',
  'assignee',
  'escalation_level',
  'sla_due_at',
  'overdue',
  'revenue_at_risk',
  'promises_affected',
  'sku',
  'node_id',
  'order_id',
  'line_id',
  'po_id',
  'transfer_id',
  'opened_at',
  'age_hours',
  'condition_active',
  'resolution_code',
  'note',
];

export const exceptionsCommand: Command = {
  name: 'exceptions',
  summary: 'The exception queue: list by priority, sync, acknowledge, resolve, assign, reopen.',
  usage: USAGE,
  details: [
    `Types: ${LEDGER_TYPES.join(', ')}.`,
    'list (the default) only reads: what is not resolved, costliest first (--status open|acknowledged|resolved|',
    'unresolved|all), conditions not yet tracked included with their default owner and SLA.',
    'sync writes: opens new exceptions, auto-resolves cleared ones and escalates those past their SLA (the',
    "server's workflow-sync-exceptions job runs it every 15 minutes). Owners, SLAs, escalation: config/exceptions.json.",
    `Resolution codes: ${EXCEPTION_RESOLUTION_CODES.filter((c) => c !== 'condition_cleared').join(', ')}.`,
    'Actions are workflow events with --actor (default $USER) and --role (default admin): the owner role, an',
    'earlier owner or admin may act. Business time: the business clock (retailos status shows it and why;',
    'retailos settings clock pins it), or --at / --now, which may not be after it (list: --now may).',
    'Legacy flags: --ack ID, --resolve ID, --reopen ID [--note TEXT].',
  ].join('\n'),
  options: {
    type: { type: 'string', valueName: 'TYPE', description: 'only this exception type' },
    severity: { type: 'string', valueName: 'S', description: 'only high, medium or low' },
    status: {
      type: 'string',
      valueName: 'S',
      description: 'open, acknowledged, resolved, unresolved (default) or all',
    },
    sku: { type: 'string', valueName: 'SKU', description: 'only this sku' },
    node: { type: 'string', valueName: 'NODE', description: 'only this node' },
    order: { type: 'string', valueName: 'ID', description: 'only this order' },
    owner: { type: 'string', valueName: 'ROLE', description: 'only what this role owns now' },
    assignee: { type: 'string', valueName: 'NAME', description: 'only what is assigned to this person' },
    'no-sync': { type: 'boolean', description: '(legacy) no effect: list never syncs' },
    now: {
      type: 'string',
      valueName: 'TIME',
      description: 'list: ages and SLAs as of TIME; sync: business time of the sync (default: the clock)',
    },
    limit: { type: 'string', valueName: 'N', description: 'list at most N exceptions' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
    note: { type: 'string', valueName: 'TEXT', description: 'a note with the action' },
    code: { type: 'string', valueName: 'CODE', description: 'resolve: the resolution code (default fixed)' },
    to: { type: 'string', valueName: 'NAME', description: 'assign: who works it' },
    ...ACTOR_OPTIONS,
    ack: { type: 'string', valueName: 'ID', description: '(legacy) acknowledge an exception' },
    resolve: { type: 'string', valueName: 'ID', description: '(legacy) resolve an exception' },
    reopen: { type: 'string', valueName: 'ID', description: '(legacy) reopen an exception' },
  },
  async run(args, io) {
    const legacy = (['ack', 'resolve', 'reopen'] as const).filter((flag) => args.values[flag] !== undefined);
    if (legacy.length > 1) throw new UserError('Give one of --ack, --resolve or --reopen.');
    if (legacy.length === 1) {
      const flag = legacy[0]!;
      return act(args, io, ACTIONS[flag], args.values[flag] as string);
    }
    const [verb = 'list'] = args.positionals;
    if (verb === 'list') return list(args, io);
    if (verb === 'sync') {
      return withWorkflowWrites(args, io, async (warehouse) => {
        const ctx = await commandContext(args, io, warehouse, { timeFlag: 'now' });
        const report = await syncExceptions(warehouse, { now: ctx.now.toISOString(), actor: ctx.actor });
        io.stdout.write(
          `Synced at ${report.now} (${ctx.clock.reason}): ${report.opened} opened, ` +
            `${report.autoResolved} auto-resolved, ${report.escalated} escalated` +
            (report.deferred > 0 ? `, ${report.deferred} resolutions wait for the clock` : '') +
            '.\n',
        );
        return 0;
      });
    }
    if (verb in ACTIONS) {
      const id = requiredId(args, 1, 'exception', `retailos exceptions ${verb} ID`);
      return act(args, io, ACTIONS[verb as keyof typeof ACTIONS], id);
    }
    throw new UserError(
      `Unknown action "${verb}": use list, sync, ack, resolve, assign or reopen (see --help).`,
    );
  },
};

async function act(
  args: ParsedArgs,
  io: CommandIo,
  action: ExceptionActionInput['action'],
  exceptionId: string,
): Promise<number> {
  const code = stringFlag(args, 'code');
  if (code !== undefined && !(EXCEPTION_RESOLUTION_CODES as readonly string[]).includes(code)) {
    throw new UserError(`Unknown --code "${code}": use one of ${EXCEPTION_RESOLUTION_CODES.join(', ')}.`);
  }
  if (action === 'assign' && stringFlag(args, 'to') === undefined) {
    throw new UserError('assign needs --to NAME.');
  }
  return withWorkflowWrites(args, io, async (warehouse) => {
    const ctx = await commandContext(args, io, warehouse);
    const result = await actOnException(warehouse, {
      exceptionId,
      action,
      actor: ctx.actor,
      role: ctx.role,
      at: ctx.now.toISOString(),
      note: stringFlag(args, 'note'),
      code: code as ExceptionResolutionCode | undefined,
      assignee: stringFlag(args, 'to'),
    });
    io.stdout.write(`Exception ${result.exceptionId} is now ${result.status}.\n`);
    return 0;
  });
}

async function list(args: ParsedArgs, io: CommandIo): Promise<number> {
  const format = outputFormat(args);
  const type = stringFlag(args, 'type');
  const policy = defaultExceptionPolicy();
  const known = new Set([...LEDGER_TYPES, ...Object.keys(policy.types)]);
  if (type !== undefined && !known.has(type)) {
    throw new UserError(`Unknown --type "${type}": use one of ${[...known].join(', ')}.`);
  }
  const status = stringFlag(args, 'status');
  if (status !== undefined && ![...EXCEPTION_STATUSES, 'unresolved', 'all'].includes(status)) {
    throw new UserError(`Unknown --status "${status}": use open, acknowledged, resolved, unresolved or all.`);
  }
  const limit = positiveInt(stringFlag(args, 'limit'), '--limit');
  // A listing only reads (the warehouse is opened read-only): syncing is `exceptions sync` or the server's job.
  return withLedger(args, io, async (warehouse) => {
    const ctx = await commandContext(args, io, warehouse, { timeFlag: 'now', readOnly: true });
    const reader = warehouseReader(warehouse);
    const items = await listQueue(
      reader,
      {
        status,
        type,
        severity: stringFlag(args, 'severity'),
        sku: stringFlag(args, 'sku'),
        nodeId: stringFlag(args, 'node'),
        orderId: stringFlag(args, 'order'),
        ownerRole: stringFlag(args, 'owner'),
        assignee: stringFlag(args, 'assignee'),
      },
      { now: ctx.now.toISOString(), policy },
    );
    const rows = (limit === undefined ? items : items.slice(0, limit)) as unknown as Record<
      string,
      unknown
    >[];
    io.stdout.write(formatRows(format === 'table' ? COLUMNS.slice(0, 16) : COLUMNS, rows, format));
    return 0;
  });
}
