import fs from 'node:fs';
import { UserError } from '../../warehouse/errors.ts';
import {
  type ApprovalRequestInput,
  type ApprovalRequestResult,
  cancelApproval,
  decide,
  listApprovals,
  requestApproval,
  screenOrders,
} from '../../workflow/approvals.ts';
import {
  ACTOR_OPTIONS,
  actorOf,
  commandContext,
  positiveInt,
  requiredId,
  stringFlag,
  withWorkflowWrites,
} from '../../workflow/cli-support.ts';
import { warehouseReader } from '../../workflow/reader.ts';
import type { Command, CommandIo } from '../command.ts';
import { formatDecimal, formatMoney, formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

const USAGE =
  'retailos approvals list [--status S] [--kind K] [--id ID] [--limit N] [--format FMT]\n' +
  '       retailos approvals approve|reject ID --reason TEXT [--actor NAME] [--role ROLE] [--at TIME]\n' +
  '       retailos approvals cancel ID --reason TEXT [--actor NAME] [--role ROLE]\n' +
  '       retailos approvals request --file REQUEST.json [--actor NAME]\n' +
  '       retailos approvals screen [--actor NAME]';

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

export const approvalsCommand: Command = {
  name: 'approvals',
  summary: 'Approval requests: list, approve, reject, cancel, request, screen high-risk orders.',
  usage: USAGE,
  details: [
    'Policy: config/approvals.json (what needs approval, two-step thresholds, role limits).',
    'approve/reject land an approval_decided event with --actor (default $USER) and --role (default admin);',
    'the final approval needs a role whose limit covers the amount; the requester never decides, and two',
    'approvals come from two people. An approved purchase lands po_created, a markdown price_changed, a',
    'transfer prints its transfer_shipped instructions; an approved order leaves its fulfilment hold.',
    'request --file: a JSON request {kind, action, recommendation?, context?, requestId?} (docs/workflow.md);',
    'amounts come from the warehouse (price history or list price, average or item cost): claims are refused.',
    'screen: holds every high-risk order not screened yet that is still open (nothing shipped, not cancelled)',
    "and placed by the business clock. list only reads; screening is `screen` or the server's job.",
  ].join('\n'),
  options: {
    status: { type: 'string', valueName: 'S', description: 'list: pending, approved, rejected or cancelled' },
    kind: {
      type: 'string',
      valueName: 'K',
      description: 'list: purchase_order, transfer, markdown, high_risk_order',
    },
    id: { type: 'string', valueName: 'ID', description: 'list: one request, with its context and decisions' },
    limit: { type: 'string', valueName: 'N', description: 'list at most N requests (default 100)' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
    reason: { type: 'string', valueName: 'TEXT', description: 'why (required to decide or cancel)' },
    file: { type: 'string', valueName: 'FILE', description: 'request: the request as JSON' },
    ...ACTOR_OPTIONS,
  },
  async run(args, io) {
    const [verb] = args.positionals;
    switch (verb) {
      case 'list': {
        const format = outputFormat(args);
        const limit = positiveInt(stringFlag(args, 'limit'), '--limit') ?? 100;
        return withLedger(args, io, async (warehouse) => {
          const rows = await listApprovals(warehouseReader(warehouse), {
            requestId: stringFlag(args, 'id'),
            status: stringFlag(args, 'status'),
            kind: stringFlag(args, 'kind'),
            limit,
          });
          const columns =
            format === 'table' && stringFlag(args, 'id') === undefined
              ? LIST_COLUMNS
              : Object.keys(rows[0] ?? {});
          io.stdout.write(
            formatRows(
              columns.length > 0 ? columns : LIST_COLUMNS,
              rows as unknown as Record<string, unknown>[],
              format,
            ),
          );
          return 0;
        });
      }
      case 'approve':
      case 'reject': {
        const id = requiredId(args, 1, 'request', `retailos approvals ${verb} ID --reason TEXT`);
        const reason = requireReason(stringFlag(args, 'reason'));
        return withWorkflowWrites(args, io, async (warehouse) => {
          const ctx = await commandContext(args, io, warehouse);
          const result = await decide(warehouse, {
            requestId: id,
            decision: verb,
            actor: ctx.actor,
            role: ctx.role,
            reason,
            at: ctx.now.toISOString(),
          });
          report(io, result);
          return 0;
        });
      }
      case 'cancel': {
        const id = requiredId(args, 1, 'request', 'retailos approvals cancel ID --reason TEXT');
        const reason = requireReason(stringFlag(args, 'reason'));
        return withWorkflowWrites(args, io, async (warehouse) => {
          const ctx = await commandContext(args, io, warehouse);
          report(
            io,
            await cancelApproval(warehouse, {
              requestId: id,
              actor: ctx.actor,
              role: ctx.role,
              reason,
              at: ctx.now.toISOString(),
            }),
          );
          return 0;
        });
      }
      case 'request': {
        const file = stringFlag(args, 'file');
        if (file === undefined)
          throw new UserError('request needs --file REQUEST.json (see docs/workflow.md).');
        let input: Record<string, unknown>;
        try {
          input = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        } catch (error) {
          throw new UserError(
            `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        return withWorkflowWrites(args, io, async (warehouse) => {
          // --at, else the request's own `at`, else the clock
          const ctx = await commandContext(args, io, warehouse, {
            defaultAt: typeof input.at === 'string' ? input.at : undefined,
          });
          const result = await requestApproval(warehouse, {
            ...(input as unknown as ApprovalRequestInput),
            requestedBy: ctx.actor,
            at: ctx.now.toISOString(),
          });
          report(io, result);
          return 0;
        });
      }
      case 'screen':
        return withWorkflowWrites(args, io, async (warehouse) => {
          // Each hold is dated when its order was placed; orders placed after the clock wait for it.
          const held = await screenOrders(warehouse, { actor: actorOf(args, io).actor });
          io.stdout.write(`${held.length} high-risk order(s) put on hold.\n`);
          for (const result of held) report(io, result);
          return 0;
        });
      default:
        throw new UserError(
          'Say what to do: retailos approvals list|approve|reject|cancel|request|screen (see --help)',
        );
    }
  },
};

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
