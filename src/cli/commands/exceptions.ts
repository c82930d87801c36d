import {
  EXCEPTION_STATUSES,
  EXCEPTION_TYPES,
  type ExceptionStatus,
  queryExceptions,
  setExceptionStatus,
} from '../../ledger/queries.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { Command } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

export const exceptionsCommand: Command = {
  name: 'exceptions',
  summary: 'Exceptions derived from the ledger (oversell, negative stock, count mismatches, overdue, …).',
  usage:
    'retailos exceptions [--type TYPE] [--severity S] [--status S|all] [--sku SKU] [--node NODE] [--format FMT]\n' +
    '       retailos exceptions --ack ID | --resolve ID | --reopen ID [--note TEXT]',
  details: [
    `Types: ${EXCEPTION_TYPES.join(', ')}.`,
    'Lists what is not resolved, most severe and oldest first (--status open|acknowledged|resolved|all).',
    '--ack / --resolve / --reopen record a workflow status for one exception (by exception_id).',
    'Overdue checks use the business clock (ledger setting `clock`; empty = now).',
  ].join('\n'),
  options: {
    type: { type: 'string', valueName: 'TYPE', description: 'only this exception type' },
    severity: { type: 'string', valueName: 'S', description: 'only high, medium or low' },
    status: { type: 'string', valueName: 'S', description: 'open, acknowledged, resolved or all' },
    sku: { type: 'string', valueName: 'SKU', description: 'only this sku' },
    node: { type: 'string', valueName: 'NODE', description: 'only this node' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
    ack: { type: 'string', valueName: 'ID', description: 'mark an exception acknowledged' },
    resolve: { type: 'string', valueName: 'ID', description: 'mark an exception resolved' },
    reopen: { type: 'string', valueName: 'ID', description: 'mark an exception open again' },
    note: { type: 'string', valueName: 'TEXT', description: 'a note with --ack/--resolve/--reopen' },
  },
  async run(args, io) {
    const actions = (
      [
        ['ack', 'acknowledged'],
        ['resolve', 'resolved'],
        ['reopen', 'open'],
      ] as const
    ).filter(([flag]) => args.values[flag] !== undefined);
    if (actions.length > 1) throw new UserError('Give one of --ack, --resolve or --reopen.');
    if (actions.length === 1) {
      const [flag, status] = actions[0]!;
      const id = args.values[flag] as string;
      return withLedger(
        args,
        io,
        async (warehouse) => {
          await setExceptionStatus(warehouse, id, status as ExceptionStatus, {
            note: args.values.note as string | undefined,
            actor: io.env.USER,
          });
          io.stdout.write(`Exception ${id} is now ${status}.\n`);
          return 0;
        },
        true,
      );
    }
    const format = outputFormat(args);
    const type = args.values.type as string | undefined;
    if (type !== undefined && !(EXCEPTION_TYPES as readonly string[]).includes(type)) {
      throw new UserError(`Unknown --type "${type}": use one of ${EXCEPTION_TYPES.join(', ')}.`);
    }
    const status = args.values.status as string | undefined;
    if (
      status !== undefined &&
      status !== 'all' &&
      !(EXCEPTION_STATUSES as readonly string[]).includes(status)
    ) {
      throw new UserError(`Unknown --status "${status}": use open, acknowledged, resolved or all.`);
    }
    return withLedger(args, io, async (warehouse) => {
      const result = await queryExceptions(warehouse, {
        type,
        status,
        severity: args.values.severity as string | undefined,
        sku: args.values.sku as string | undefined,
        nodeId: args.values.node as string | undefined,
      });
      io.stdout.write(formatRows(result.columns, result.rows, format));
      return 0;
    });
  },
};
