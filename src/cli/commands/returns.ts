import { DISPOSITIONS, GRADES } from '../../contracts/index.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { warehouseReader } from '../../workflow/reader.ts';
import {
  completeRefurbishment,
  gradeReturn,
  listReturns,
  recoveryByDisposition,
  refundLinkage,
  returnReasons,
} from '../../workflow/returns.ts';
import { defineCommand, defineGroup } from '../command.ts';
import { callerOf, commandContext } from '../context.ts';
import { formatRows } from '../format.ts';
import { withLedger, withWorkflowWrites } from '../session.ts';
import { ACTOR_OPTIONS, FORMAT_OPTION } from '../shared-options.ts';

/** A report that only reads: rows, as a table, JSON or CSV. */
function report(
  name: string,
  summary: string,
  rowsOf: (warehouse: Warehouse) => Promise<Record<string, unknown>[]>,
) {
  return defineCommand({
    name,
    summary,
    options: { ...FORMAT_OPTION },
    async run(args, io) {
      return withLedger({ db: args.values.db }, io, async (warehouse) => {
        const rows = await rowsOf(warehouse);
        io.stdout.write(formatRows(Object.keys(rows[0] ?? { [name]: null }), rows, args.values.format));
        return 0;
      });
    },
  });
}

const list = defineCommand({
  name: 'list',
  summary: 'Returns with units left to grade, oldest first, with their age (only reads).',
  options: {
    all: { type: 'boolean', description: 'every return, graded or not' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    return withLedger({ db: args.values.db }, io, async (warehouse) => {
      const ctx = await commandContext(warehouse, callerOf({}, io), undefined, { readOnly: true });
      const rows = (await listReturns(warehouseReader(warehouse), {
        now: ctx.now.toISOString(),
        ungradedOnly: !args.values.all,
      })) as unknown as Record<string, unknown>[];
      io.stdout.write(formatRows(Object.keys(rows[0] ?? { list: null }), rows, args.values.format));
      return 0;
    });
  },
});

const QTY = { type: 'int', min: 1, valueName: 'N' } as const;

const grade = defineCommand({
  name: 'grade',
  summary: 'Grade returned units: lands return_graded; the ledger moves them by disposition.',
  details: [
    '--condition applies the rules of the item category (config/returns.json), or give --grade',
    `(${GRADES.join(', ')}) and --disposition (${DISPOSITIONS.join(', ')}).`,
    'The ledger moves the units: restock/liquidate → sellable, refurbish → repair, return_to_vendor and',
    'write_off leave stock.',
  ].join('\n'),
  options: {
    condition: {
      type: 'string',
      valueName: 'C',
      description: 'the condition found (new, opened, damaged, …)',
    },
    grade: { type: 'enum', choices: GRADES, valueName: 'G', description: GRADES.join('|') },
    disposition: { type: 'enum', choices: DISPOSITIONS, valueName: 'D', description: DISPOSITIONS.join('|') },
    sku: { type: 'string', valueName: 'SKU', description: 'which line of the return' },
    node: { type: 'string', valueName: 'NODE', description: 'which node' },
    qty: { ...QTY, description: 'units (default: every ungraded unit)' },
    ...ACTOR_OPTIONS,
  },
  arguments: [
    {
      name: 'RETURN_ID',
      required: true,
      missing: 'Say which return: retailos returns grade RETURN_ID --condition C',
    },
  ],
  async run(args, io) {
    const v = args.values;
    return withWorkflowWrites({ db: v.db }, io, async (warehouse) => {
      const ctx = await commandContext(warehouse, callerOf(v, io), { flag: '--at', value: v.at });
      const result = await gradeReturn(warehouse, {
        returnId: args.positionals[0]!,
        sku: v.sku,
        nodeId: v.node,
        condition: v.condition,
        grade: v.grade,
        disposition: v.disposition,
        qty: v.qty,
        actor: ctx.actor,
        at: ctx.now.toISOString(),
      });
      io.stdout.write(
        `Return ${result.returnId}: ${result.qty} × ${result.sku} at ${result.nodeId} graded ${result.grade}, ${result.disposition} (${result.ungradedLeft} left to grade).\n`,
      );
      return 0;
    });
  },
});

const refurbished = defineCommand({
  name: 'refurbished',
  summary: 'Repaired units back to sellable (status_changed).',
  options: {
    node: { type: 'string', required: true, valueName: 'NODE', description: 'where they are' },
    sku: { type: 'string', required: true, valueName: 'SKU', description: 'the sku refurbished' },
    qty: { ...QTY, required: true, description: 'units' },
    ...ACTOR_OPTIONS,
  },
  async run(args, io) {
    const { node, sku, qty } = args.values;
    return withWorkflowWrites({ db: args.values.db }, io, async (warehouse) => {
      const ctx = await commandContext(warehouse, callerOf(args.values, io), {
        flag: '--at',
        value: args.values.at,
      });
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
  },
});

const refunds = defineCommand({
  name: 'refunds',
  summary: 'Refund time per return, and refunds flagged (no return received, refunded before receipt, late).',
  options: {
    flagged: { type: 'boolean', description: 'only the flagged ones' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    return withLedger({ db: args.values.db }, io, async (warehouse) => {
      const rows = await refundLinkage(warehouseReader(warehouse), { flaggedOnly: args.values.flagged });
      io.stdout.write(formatRows(Object.keys(rows[0] ?? { refunds: null }), rows, args.values.format));
      return 0;
    });
  },
});

export const returnsCommand = defineGroup({
  name: 'returns',
  summary: 'Returns from receipt to disposition: queue, grading, refurbishment, reasons, recovery, refunds.',
  subcommands: [
    list,
    grade,
    refurbished,
    report('reasons', 'Return reasons by category (only reads).', (warehouse) =>
      returnReasons(warehouseReader(warehouse)),
    ),
    report(
      'recovery',
      'Value recovered per disposition (only reads).',
      async (warehouse) =>
        (await recoveryByDisposition(warehouseReader(warehouse))) as unknown as Record<string, unknown>[],
    ),
    refunds,
  ],
});
