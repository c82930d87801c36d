import { DISPOSITIONS, type Disposition, GRADES, type Grade } from '../../contracts/index.ts';
import { UserError } from '../../warehouse/errors.ts';
import {
  ACTOR_OPTIONS,
  commandContext,
  positiveInt,
  requiredId,
  stringFlag,
  withWorkflowWrites,
} from '../../workflow/cli-support.ts';
import { warehouseReader } from '../../workflow/reader.ts';
import {
  completeRefurbishment,
  gradeReturn,
  listReturns,
  recoveryByDisposition,
  refundLinkage,
  returnReasons,
} from '../../workflow/returns.ts';
import type { Command } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

const USAGE =
  'retailos returns list [--all] [--format FMT]\n' +
  '       retailos returns grade RETURN_ID (--condition C | --grade G --disposition D) [--sku SKU] [--node NODE] [--qty N] [--actor NAME] [--at TIME]\n' +
  '       retailos returns refurbished --node NODE --sku SKU --qty N [--actor NAME] [--at TIME]\n' +
  '       retailos returns reasons|recovery|refunds [--flagged] [--format FMT]';

export const returnsCommand: Command = {
  name: 'returns',
  summary: 'Returns from receipt to disposition: queue, grading, refurbishment, reasons, recovery, refunds.',
  usage: USAGE,
  details: [
    'list: returns with units left to grade, oldest first, with their age (--all: every return).',
    'grade: lands return_graded; --condition applies the rules of the item category (config/returns.json),',
    `or give --grade (${GRADES.join(', ')}) and --disposition (${DISPOSITIONS.join(', ')}).`,
    'The ledger moves the units: restock/liquidate → sellable, refurbish → repair, return_to_vendor and',
    'write_off leave stock. refurbished: repaired units back to sellable (status_changed).',
    'reasons: return reasons by category; recovery: value recovered per disposition; refunds: refund time per',
    'return, and refunds flagged (no return received, refunded before receipt, late; --flagged for those only).',
  ].join('\n'),
  options: {
    all: { type: 'boolean', description: 'list: every return, graded or not' },
    condition: {
      type: 'string',
      valueName: 'C',
      description: 'grade: the condition found (new, opened, damaged, …)',
    },
    grade: { type: 'string', valueName: 'G', description: `grade: ${GRADES.join('|')}` },
    disposition: { type: 'string', valueName: 'D', description: `grade: ${DISPOSITIONS.join('|')}` },
    sku: { type: 'string', valueName: 'SKU', description: 'which line of the return / the sku refurbished' },
    node: { type: 'string', valueName: 'NODE', description: 'which node' },
    qty: { type: 'string', valueName: 'N', description: 'units (default: every ungraded unit)' },
    flagged: { type: 'boolean', description: 'refunds: only the flagged ones' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
    ...ACTOR_OPTIONS,
  },
  async run(args, io) {
    const [verb] = args.positionals;
    switch (verb) {
      case 'list':
      case 'reasons':
      case 'recovery':
      case 'refunds': {
        const format = outputFormat(args);
        return withLedger(args, io, async (warehouse) => {
          const reader = warehouseReader(warehouse);
          const rows: Record<string, unknown>[] =
            verb === 'list'
              ? ((await listReturns(reader, {
                  now: (await commandContext(args, io, warehouse, { readOnly: true })).now.toISOString(),
                  ungradedOnly: args.values.all !== true,
                })) as unknown as Record<string, unknown>[])
              : verb === 'reasons'
                ? await returnReasons(reader)
                : verb === 'recovery'
                  ? ((await recoveryByDisposition(reader)) as unknown as Record<string, unknown>[])
                  : await refundLinkage(reader, { flaggedOnly: args.values.flagged === true });
          io.stdout.write(formatRows(Object.keys(rows[0] ?? { [verb]: null }), rows, format));
          return 0;
        });
      }
      case 'grade': {
        const id = requiredId(args, 1, 'return', 'retailos returns grade RETURN_ID --condition C');
        const grade = stringFlag(args, 'grade');
        const disposition = stringFlag(args, 'disposition');
        if (grade !== undefined && !(GRADES as readonly string[]).includes(grade)) {
          throw new UserError(`Unknown --grade "${grade}": use ${GRADES.join(', ')}.`);
        }
        if (disposition !== undefined && !(DISPOSITIONS as readonly string[]).includes(disposition)) {
          throw new UserError(`Unknown --disposition "${disposition}": use ${DISPOSITIONS.join(', ')}.`);
        }
        const qty = positiveInt(stringFlag(args, 'qty'), '--qty');
        return withWorkflowWrites(args, io, async (warehouse) => {
          const ctx = await commandContext(args, io, warehouse);
          const result = await gradeReturn(warehouse, {
            returnId: id,
            sku: stringFlag(args, 'sku'),
            nodeId: stringFlag(args, 'node'),
            condition: stringFlag(args, 'condition'),
            grade: grade as Grade | undefined,
            disposition: disposition as Disposition | undefined,
            qty,
            actor: ctx.actor,
            at: ctx.now.toISOString(),
          });
          io.stdout.write(
            `Return ${result.returnId}: ${result.qty} × ${result.sku} at ${result.nodeId} graded ${result.grade}, ${result.disposition} (${result.ungradedLeft} left to grade).\n`,
          );
          return 0;
        });
      }
      case 'refurbished': {
        const node = stringFlag(args, 'node');
        const sku = stringFlag(args, 'sku');
        const qty = positiveInt(stringFlag(args, 'qty'), '--qty');
        if (node === undefined || sku === undefined || qty === undefined) {
          throw new UserError('refurbished needs --node NODE --sku SKU --qty N.');
        }
        return withWorkflowWrites(args, io, async (warehouse) => {
          const ctx = await commandContext(args, io, warehouse);
          const eventId = await completeRefurbishment(warehouse, {
            nodeId: node,
            sku,
            qty,
            actor: ctx.actor,
            at: ctx.now.toISOString(),
          });
          io.stdout.write(`${qty} × ${sku} at ${node} back to sellable (${eventId}).\n`);
          return 0;
        });
      }
      default:
        throw new UserError(
          'Say what to do: retailos returns list|grade|refurbished|reasons|recovery|refunds (see --help)',
        );
    }
  },
};
