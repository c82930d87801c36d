import fs from 'node:fs';
import { parseTime } from '../../clock/time.ts';
import { APPROVAL_KINDS } from '../../contracts/index.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import {
  type ApprovalRequestInput,
  type ApprovalRequestResult,
  cancelApproval,
  decide,
  listApprovals,
  requestApproval,
  screenOrders,
} from '../../workflow/approvals.ts';
import { warehouseReader } from '../../workflow/reader.ts';
import { type Args, type CommandIo, defineCommand, defineGroup } from '../command.ts';
import { callerOf, commandContext } from '../context.ts';
import { formatDecimal, formatMoney, formatRows } from '../format.ts';
import { withLedger, withWorkflowWrites } from '../session.ts';
import { ACTOR_OPTIONS, FORMAT_OPTION } from '../shared-options.ts';

const LIST_COLUMNS = [
  'request_id',
  'kind',
  'status',
  'amount',
  'markdown_pct',
  'approvals',
  'required_approvals',
  'requested_by',
  'requested_at',
  'decided_at',
  'rule',
];

const REASON = {
  reason: { type: 'string', required: true, valueName: 'TEXT', description: 'why (required)' },
} as const;
const ID = { name: 'ID', required: true } as const;
const DECIDING = [
  'Lands an approval_decided event with --actor (default $USER) and --role (default admin); the final',
  'approval needs a role whose limit covers the amount; the requester never decides, and two approvals come',
  'from two people. An approved purchase lands po_created, a markdown price_changed, a transfer prints its',
  'transfer_shipped instructions; an approved order leaves its fulfilment hold.',
].join('\n');

const list = defineCommand({
  name: 'list',
  summary: 'Approval requests, newest first (only reads).',
  options: {
    status: {
      type: 'enum',
      choices: ['pending', 'approved', 'rejected', 'cancelled'],
      valueName: 'S',
      description: 'pending, approved, rejected or cancelled',
    },
    kind: {
      type: 'enum',
      choices: APPROVAL_KINDS,
      valueName: 'K',
      description: 'purchase_order, transfer, markdown, high_risk_order',
    },
    id: { type: 'string', valueName: 'ID', description: 'one request, with its context and decisions' },
    limit: {
      type: 'int',
      min: 1,
      default: 100,
      valueName: 'N',
      description: 'at most N requests (default 100)',
    },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { id, status, kind, limit, format } = args.values;
    return withLedger({ db: args.values.db }, io, async (warehouse) => {
      const rows = await listApprovals(warehouseReader(warehouse), { requestId: id, status, kind, limit });
      const columns = format === 'table' && id === undefined ? LIST_COLUMNS : Object.keys(rows[0] ?? {});
      io.stdout.write(
        formatRows(
          columns.length > 0 ? columns : LIST_COLUMNS,
          rows as unknown as Record<string, unknown>[],
          format,
        ),
      );
      return 0;
    });
  },
});

/** approve and reject: one decision on a request. */
function decision(verb: 'approve' | 'reject') {
  return defineCommand({
    name: verb,
    summary:
      verb === 'approve' ? 'Approve a request (a step of it when two are needed).' : 'Reject a request.',
    details: DECIDING,
    options: { ...REASON, ...ACTOR_OPTIONS },
    arguments: [{ ...ID, missing: `Say which request: retailos approvals ${verb} ID --reason TEXT` }],
    async run(args, io) {
      const reason = requireReason(args.values.reason);
      return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
        const ctx = await atContext(args, io, warehouse);
        const result = await decide(warehouse, {
          requestId: args.positionals[0]!,
          decision: verb,
          actor: ctx.actor,
          role: ctx.role,
          reason,
          at: ctx.now.toISOString(),
        });
        report(io, result);
        return 0;
      });
    },
  });
}

const cancel = defineCommand({
  name: 'cancel',
  summary: 'Cancel a pending request (its requester or an admin).',
  options: { ...REASON, ...ACTOR_OPTIONS },
  arguments: [{ ...ID, missing: 'Say which request: retailos approvals cancel ID --reason TEXT' }],
  async run(args, io) {
    const reason = requireReason(args.values.reason);
    return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
      const ctx = await atContext(args, io, warehouse);
      report(
        io,
        await cancelApproval(warehouse, {
          requestId: args.positionals[0]!,
          actor: ctx.actor,
          role: ctx.role,
          reason,
          at: ctx.now.toISOString(),
        }),
      );
      return 0;
    });
  },
});

const request = defineCommand({
  name: 'request',
  summary: 'Request an approval from a JSON file.',
  details: [
    'REQUEST.json: {kind, action, recommendation?, context?, requestId?, at?} (docs/workflow.md). Amounts come',
    'from the warehouse (price history or list price, average or item cost): claims are refused. Business',
    "time: --at, else the request's `at`, else the business clock.",
  ].join('\n'),
  options: {
    file: { type: 'string', required: true, valueName: 'FILE', description: 'the request as JSON' },
    ...ACTOR_OPTIONS,
  },
  async run(args, io) {
    const file = args.values.file;
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UserError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
      // --at, else the request's own `at`, else the clock
      const at =
        args.values.at ??
        (typeof input.at === 'string' ? parseTime(input.at, "the request's at") : undefined);
      const ctx = await commandContext(warehouse, callerOf(args.values, io), { flag: '--at', value: at });
      const result = await requestApproval(warehouse, {
        ...(input as unknown as ApprovalRequestInput),
        requestedBy: ctx.actor,
        at: ctx.now.toISOString(),
      });
      report(io, result);
      return 0;
    });
  },
});

const screen = defineCommand({
  name: 'screen',
  summary: 'Hold every high-risk order not screened yet (writes).',
  details: [
    'Holds every high-risk order not screened yet that is still open (nothing shipped, not cancelled) and',
    "placed by the business clock; each hold is dated when its order was placed. The server's job runs it too.",
  ].join('\n'),
  options: { actor: ACTOR_OPTIONS.actor },
  async run(args, io) {
    return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
      // Each hold is dated when its order was placed; orders placed after the clock wait for it.
      const held = await screenOrders(warehouse, { actor: callerOf(args.values, io).actor });
      io.stdout.write(`${held.length} high-risk order(s) put on hold.\n`);
      for (const result of held) report(io, result);
      return 0;
    });
  },
});

export const approvalsCommand = defineGroup({
  name: 'approvals',
  summary: 'Approval requests: list, approve, reject, cancel, request, screen high-risk orders.',
  details: [
    'Policy: config/approvals.json (what needs approval, two-step thresholds, role limits).',
    "list only reads; screening is `screen` or the server's job.",
  ].join('\n'),
  subcommands: [list, decision('approve'), decision('reject'), cancel, request, screen],
});

/** The context of a decision: --actor, --role and --at (default the business clock). */
function atContext(args: Args<typeof ACTOR_OPTIONS>, io: CommandIo, warehouse: Warehouse) {
  return commandContext(warehouse, callerOf(args.values, io), { flag: '--at', value: args.values.at });
}

function requireReason(reason: string | undefined): string {
  if (reason === undefined || reason.trim() === '') throw new UserError('Give a --reason.');
  return reason;
}

function report(io: CommandIo, result: ApprovalRequestResult): void {
  const steps = `${result.approvals}/${result.requiredApprovals} approvals`;
  io.stdout.write(
    `${result.requestId}: ${result.kind.replaceAll('_', ' ')} ${formatMoney(result.amount)}${result.markdownPct === null ? '' : ` (${formatDecimal(result.markdownPct, 1)}%)`} is ${result.status} (${steps}; ${result.rule}).\n`,
  );
  if (result.emitted.length > 0)
    io.stdout.write(`  events: ${result.emitted.join(', ')} (retailos audit approval ${result.requestId})\n`);
  if (result.instructions) io.stdout.write(`  send when shipped: ${JSON.stringify(result.instructions)}\n`);
}
