import { EXCEPTION_RESOLUTION_CODES } from '../../contracts/index.ts';
import { formatDateTime, formatDecimal, formatMoney, formatUnits } from '../../format/human.ts';
import { UserError } from '../../warehouse/errors.ts';
import { EXCEPTION_STATUSES } from '../../workflow/exception-machine.ts';
import { defaultExceptionPolicy } from '../../workflow/exception-policy.ts';
import { EXCEPTION_TYPE_NAMES } from '../../workflow/exception-types.ts';
import {
  actOnException,
  type ExceptionActionInput,
  listQueue,
  type QueueItem,
  syncExceptions,
  warehouseReader,
} from '../../workflow/exceptions.ts';
import { type Args, type CommandIo, defineCommand, defineGroup } from '../command.ts';
import { callerOf, commandContext } from '../context.ts';
import { formatRows, formatTable } from '../format.ts';
import { withLedger, withWorkflowWrites } from '../session.ts';
import { ACTOR_OPTIONS, FORMAT_OPTION } from '../shared-options.ts';

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
  'cleared_at',
  'duration_hours',
  'condition_active',
  'resolution_code',
  'note',
];

/** The table people read: money, times and durations in the human formats (src/format/human.ts). */
const TABLE_COLUMNS = [
  'exception_id',
  'type',
  'severity',
  'status',
  'priority',
  'owner',
  'assignee',
  'sla due',
  'at risk',
  'promises',
  'sku',
  'node',
  'order',
  'opened',
  'age',
  'cleared',
  'lasted',
] as const;

/** Hours as people read a duration: "45 min", "5.5 h", "3.2 d". */
function formatHours(hours: number | null): string {
  if (hours === null) return '';
  if (hours < 1) return `${formatUnits(hours * 60)} min`;
  if (hours < 48) return `${formatDecimal(hours, 1)} h`;
  return `${formatDecimal(hours / 24, 1)} d`;
}

function tableRow(item: QueueItem): Record<(typeof TABLE_COLUMNS)[number], string> {
  const resolved = item.status === 'resolved';
  return {
    exception_id: item.exception_id,
    type: item.exception_type,
    severity: item.severity,
    status: item.status,
    priority: formatDecimal(item.priority, 0),
    owner: item.owner_role,
    assignee: item.assignee ?? '',
    // A resolved exception has no SLA left to meet.
    'sla due': resolved ? '' : `${formatDateTime(item.sla_due_at)}${item.overdue ? ' (overdue)' : ''}`,
    'at risk': item.revenue_at_risk > 0 ? formatMoney(item.revenue_at_risk) : '',
    promises: item.promises_affected > 0 ? formatUnits(item.promises_affected) : '',
    sku: item.sku ?? '',
    node: item.node_id ?? '',
    order: item.order_id ?? '',
    opened: item.opened_at === null ? '' : formatDateTime(item.opened_at),
    age: resolved ? '' : formatHours(item.age_hours),
    cleared: item.cleared_at === null ? '' : formatDateTime(item.cleared_at),
    lasted: formatHours(item.duration_hours),
  };
}

const NOTE = { note: { type: 'string', valueName: 'TEXT', description: 'a note with the action' } } as const;
const ID = { name: 'ID', required: true } as const;
const WHO = [
  'Actions are workflow events with --actor (default $USER) and --role (default admin): the owner role, an',
  'earlier owner or admin may act. Business time: the business clock (retailos status shows it and why;',
  'retailos settings clock pins it), or --at, which may not be after it.',
].join('\n');

/** What an action prints, after it landed. */
async function act(
  args: Args<typeof ACTOR_OPTIONS & typeof NOTE>,
  io: CommandIo,
  action: ExceptionActionInput['action'],
  exceptionId: string,
  extra: Pick<ExceptionActionInput, 'code' | 'assignee'> = {},
): Promise<number> {
  return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
    const ctx = await commandContext(warehouse, callerOf(args.values, io), {
      flag: '--at',
      value: args.values.at,
    });
    const result = await actOnException(warehouse, {
      exceptionId,
      action,
      actor: ctx.actor,
      role: ctx.role,
      at: ctx.now.toISOString(),
      note: args.values.note,
      ...extra,
    });
    io.stdout.write(`Exception ${result.exceptionId} is now ${result.status}.\n`);
    return 0;
  });
}

const LEGACY = {
  ack: {
    type: 'string',
    valueName: 'ID',
    description: '(legacy) acknowledge an exception: exceptions ack ID',
  },
  resolve: {
    type: 'string',
    valueName: 'ID',
    description: '(legacy) resolve an exception: exceptions resolve ID',
  },
  reopen: {
    type: 'string',
    valueName: 'ID',
    description: '(legacy) reopen an exception: exceptions reopen ID',
  },
  'no-sync': { type: 'boolean', description: '(legacy) no effect: list never syncs' },
} as const;

const list = defineCommand({
  name: 'list',
  summary: 'The queue, costliest first: what is not resolved, untracked conditions included (only reads).',
  details: [
    `Types: ${EXCEPTION_TYPE_NAMES.join(', ')}.`,
    'Lists what is not resolved (--status open|acknowledged|resolved|unresolved|all), costliest first, with',
    'conditions not yet tracked included with their default owner and SLA. Only reads: syncing is',
    "`retailos exceptions sync` or the server's workflow-sync-exceptions job. Owners, SLAs, escalation:",
    'config/exceptions.json. --now: ages and SLAs as of that time (may be after the business clock).',
    'Legacy flags: --ack ID, --resolve ID, --reopen ID [--note TEXT] act as the subcommands do.',
  ].join('\n'),
  options: {
    type: {
      type: 'enum',
      choices: EXCEPTION_TYPE_NAMES,
      valueName: 'TYPE',
      description: 'only this exception type',
    },
    severity: {
      type: 'enum',
      choices: ['high', 'medium', 'low'],
      valueName: 'S',
      description: 'only high, medium or low',
    },
    status: {
      type: 'enum',
      choices: [...EXCEPTION_STATUSES, 'unresolved', 'all'],
      valueName: 'S',
      description: 'open, acknowledged, resolved, unresolved (default) or all',
    },
    sku: { type: 'string', valueName: 'SKU', description: 'only this sku' },
    node: { type: 'string', valueName: 'NODE', description: 'only this node' },
    order: { type: 'string', valueName: 'ID', description: 'only this order' },
    owner: { type: 'string', valueName: 'ROLE', description: 'only what this role owns now' },
    assignee: { type: 'string', valueName: 'NAME', description: 'only what is assigned to this person' },
    now: {
      type: 'time',
      valueName: 'TIME',
      description: 'ages and SLAs as of TIME (default: the business clock)',
    },
    limit: { type: 'int', min: 1, valueName: 'N', description: 'list at most N exceptions' },
    ...FORMAT_OPTION,
    ...LEGACY,
    ...NOTE,
    ...ACTOR_OPTIONS,
  },
  async run(args, io) {
    const v = args.values;
    const legacy = (['ack', 'resolve', 'reopen'] as const).filter((flag) => v[flag] !== undefined);
    if (legacy.length > 1) throw new UserError('Give one of --ack, --resolve or --reopen.');
    if (legacy.length === 1) {
      const flag = legacy[0]!;
      return act(args, io, flag === 'ack' ? 'acknowledge' : flag, v[flag]!);
    }
    const policy = defaultExceptionPolicy();
    // A listing only reads (the warehouse is opened read-only): syncing is `exceptions sync` or the server's job.
    return withLedger({ db: v.db }, io, async (warehouse) => {
      const ctx = await commandContext(
        warehouse,
        callerOf(v, io),
        { flag: '--now', value: v.now },
        { readOnly: true },
      );
      const items = await listQueue(
        warehouseReader(warehouse),
        {
          status: v.status,
          type: v.type,
          severity: v.severity,
          sku: v.sku,
          nodeId: v.node,
          orderId: v.order,
          ownerRole: v.owner,
          assignee: v.assignee,
        },
        { now: ctx.now.toISOString(), policy },
      );
      const shown = v.limit === undefined ? items : items.slice(0, v.limit);
      if (v.format !== 'table') {
        io.stdout.write(formatRows(COLUMNS, shown as unknown as Record<string, unknown>[], v.format));
        return 0;
      }
      io.stdout.write(formatTable([...TABLE_COLUMNS], shown.map(tableRow)));
      const actionable = shown.find((item) => item.status !== 'resolved');
      if (actionable !== undefined)
        io.stdout.write(
          `Act on one: retailos exceptions ack ${actionable.exception_id} (or resolve, assign; see --help)\n`,
        );
      return 0;
    });
  },
});

const sync = defineCommand({
  name: 'sync',
  summary: 'Open new exceptions, auto-resolve cleared ones, escalate those past their SLA (writes).',
  details:
    "The server's workflow-sync-exceptions job runs it every 15 minutes. --now: the business time of the sync " +
    '(default: the business clock; never after it).',
  options: {
    now: {
      type: 'time',
      valueName: 'TIME',
      description: 'business time of the sync (default: the business clock)',
    },
  },
  async run(args, io) {
    return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
      const ctx = await commandContext(warehouse, callerOf({}, io), {
        flag: '--now',
        value: args.values.now,
      });
      const report = await syncExceptions(warehouse, { now: ctx.now.toISOString(), actor: ctx.actor });
      io.stdout.write(
        `Synced at ${report.now} (${ctx.clock.reason}): ${report.opened} opened, ` +
          `${report.autoResolved} auto-resolved, ${report.escalated} escalated` +
          (report.deferred > 0 ? `, ${report.deferred} resolutions wait for the clock` : '') +
          '.\n',
      );
      return 0;
    });
  },
});

const missingId = (verb: string) => `Say which exception: retailos exceptions ${verb} ID`;

const ack = defineCommand({
  name: 'ack',
  summary: 'Acknowledge an exception: someone is on it.',
  details: WHO,
  options: { ...NOTE, ...ACTOR_OPTIONS },
  arguments: [{ ...ID, missing: missingId('ack') }],
  run: (args, io) => act(args, io, 'acknowledge', args.positionals[0]!),
});

const resolve = defineCommand({
  name: 'resolve',
  summary: 'Resolve an exception, with a resolution code.',
  details: WHO,
  options: {
    code: {
      type: 'enum',
      choices: EXCEPTION_RESOLUTION_CODES,
      valueName: 'CODE',
      description: 'the resolution code (default fixed)',
    },
    ...NOTE,
    ...ACTOR_OPTIONS,
  },
  arguments: [{ ...ID, missing: missingId('resolve') }],
  run: (args, io) => act(args, io, 'resolve', args.positionals[0]!, { code: args.values.code }),
});

const assign = defineCommand({
  name: 'assign',
  summary: 'Assign an exception to someone who works it.',
  details: WHO,
  options: {
    to: { type: 'string', required: true, valueName: 'NAME', description: 'who works it' },
    ...NOTE,
    ...ACTOR_OPTIONS,
  },
  arguments: [{ ...ID, missing: missingId('assign') }],
  run: (args, io) => act(args, io, 'assign', args.positionals[0]!, { assignee: args.values.to }),
});

const reopen = defineCommand({
  name: 'reopen',
  summary: 'Reopen a resolved exception.',
  details: WHO,
  options: { ...NOTE, ...ACTOR_OPTIONS },
  arguments: [{ ...ID, missing: missingId('reopen') }],
  run: (args, io) => act(args, io, 'reopen', args.positionals[0]!),
});

export const exceptionsCommand = defineGroup({
  name: 'exceptions',
  summary: 'The exception queue: list by priority, sync, acknowledge, resolve, assign, reopen.',
  details: [
    `Types: ${EXCEPTION_TYPE_NAMES.join(', ')}.`,
    `Resolution codes: ${EXCEPTION_RESOLUTION_CODES.filter((c) => c !== 'condition_cleared').join(', ')}.`,
    'Owners, SLAs and escalation: config/exceptions.json. Without a subcommand: list.',
  ].join('\n'),
  subcommands: [list, sync, ack, resolve, assign, reopen],
  default: 'list',
});
