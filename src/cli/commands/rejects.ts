import { once } from 'node:events';
import fs from 'node:fs';
import {
  exportRejects,
  listRejects,
  type RejectStatus,
  readCorrections,
  retryRejects,
} from '../../ingest/rejects.ts';
import { UserError } from '../../warehouse/errors.ts';
import { type Args, defineCommand, defineGroup } from '../command.ts';
import { formatRows } from '../format.ts';
import { withWarehouse } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

const STATUSES = ['open', 'resolved', 'all'] as const satisfies readonly RejectStatus[];

/** Which rejects: ids as arguments (`rejects retry 12 13`) or as --id — the reject_id of `rejects list`. */
const WHICH = {
  id: { type: 'list', valueName: 'N', description: 'only these reject ids (repeatable, or comma-separated)' },
} as const;

const STATUS = {
  status: {
    type: 'enum',
    choices: STATUSES,
    valueName: 'S',
    description: 'open (default; all when ids are given), resolved or all',
  },
} as const;

const IDS = [{ name: 'ID', variadic: true }] as const;

function idsOf(args: Args<typeof WHICH>): number[] | undefined {
  const texts = [...args.positionals, ...(args.values.id ?? [])];
  if (texts.length === 0) return undefined;
  return texts.map((text) => {
    const id = Number(text.replace(/^#/, ''));
    if (!Number.isInteger(id) || id < 1)
      throw new UserError(
        `A reject id is a positive whole number (the reject_id column of retailos rejects list), got "${text}".`,
      );
    return id;
  });
}

/** Rejects named by id are shown whatever their status unless --status says otherwise. */
const shownStatus = (given: RejectStatus | undefined, ids: number[] | undefined): RejectStatus =>
  given ?? (ids ? 'all' : 'open');

const list = defineCommand({
  name: 'list',
  summary: 'Show rejects with their errors (only reads).',
  details: 'The reject_id it prints is the id export and retry take (as ID arguments or --id).',
  options: {
    ...STATUS,
    ...WHICH,
    limit: {
      type: 'int',
      min: 1,
      default: 100,
      valueName: 'N',
      description: 'list at most N rejects (default 100)',
    },
    ...FORMAT_OPTION,
  },
  arguments: IDS,
  async run(args, io) {
    const ids = idsOf(args);
    const { format, limit } = args.values;
    return withWarehouse({ db: args.values.db, readOnly: true }, io, async (warehouse) => {
      const rows = await listRejects(warehouse, { status: shownStatus(args.values.status, ids), ids, limit });
      const table = rows.map((row) => ({
        reject_id: row.reject_id,
        status: row.status,
        reason: row.reason,
        source: row.source_file ? `${row.source_file}${row.source_line ? `:${row.source_line}` : ''}` : null,
        event_id: row.event_id,
        type: row.type,
        errors: row.errors.map((error) => `${error.path || '(event)'}: ${error.message}`).join('; '),
        ...(format === 'table' ? {} : { raw: row.raw }),
      }));
      const columns = ['reject_id', 'status', 'reason', 'source', 'event_id', 'type', 'errors'];
      io.stdout.write(formatRows(format === 'table' ? columns : [...columns, 'raw'], table, format));
      if (format === 'table' && rows.some((row) => row.status === 'open'))
        io.stdout.write('Retry one (after correcting it, see --help): retailos rejects retry REJECT_ID\n');
      return 0;
    });
  },
});

const exportCommand = defineCommand({
  name: 'export',
  summary: 'Write rejects as JSON Lines to --out or stdout, to correct and retry.',
  details: 'Each line: {reject_id, source_file, source_line, reason, errors, input}.',
  options: {
    ...STATUS,
    ...WHICH,
    out: { type: 'string', valueName: 'FILE', description: 'export to this file instead of stdout' },
  },
  arguments: IDS,
  async run(args, io) {
    const ids = idsOf(args);
    const outPath = args.values.out;
    return withWarehouse({ db: args.values.db, readOnly: true }, io, async (warehouse) => {
      const out = outPath ? fs.createWriteStream(outPath) : io.stdout;
      const count = await exportRejects(warehouse, out, {
        status: shownStatus(args.values.status, ids),
        ids,
      });
      if (outPath) {
        (out as fs.WriteStream).end();
        await once(out, 'finish');
        io.stderr.write(
          `Exported ${count} rejects to ${outPath}. Correct "input", then: retailos rejects retry --from ${outPath}\n`,
        );
      }
      return 0;
    });
  },
});

const retry = defineCommand({
  name: 'retry',
  summary: 'Re-validate open rejects (all, or the ids given); exit 1 when some stay rejected.',
  details: [
    'retailos rejects retry 12 13, or --id 12 --id 13; with --from FILE, the corrected `input` of an export.',
    'A corrected event re-sent with `retailos ingest` also resolves its reject (same event_id).',
  ].join('\n'),
  options: {
    ...WHICH,
    from: {
      type: 'string',
      valueName: 'FILE',
      description: 'retry with the corrected inputs of an export file',
    },
  },
  arguments: IDS,
  async run(args, io) {
    const ids = idsOf(args);
    const corrections = args.values.from ? readCorrections(args.values.from) : undefined;
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      if (ids) {
        const open = new Set(
          (await listRejects(warehouse, { status: 'open', ids })).map((row) => row.reject_id),
        );
        const missing = ids.filter((id) => !open.has(id));
        if (missing.length === ids.length) {
          throw new UserError(
            `No open reject ${missing.join(', ')}: already resolved or unknown (see retailos rejects list --status all).`,
            'not_found',
          );
        }
        if (missing.length > 0)
          io.stderr.write(
            `Skipped ${missing.join(', ')}: no such open reject (already resolved or unknown).\n`,
          );
      }
      const outcome = await retryRejects(warehouse, { ids }, corrections);
      io.stdout.write(
        `retried ${outcome.retried}: resolved ${outcome.resolved}, still invalid ${outcome.stillRejected}, conflicts ${outcome.conflicts}\n`,
      );
      return outcome.stillRejected + outcome.conflicts > 0 ? 1 : 0;
    });
  },
});

export const rejectsCommand = defineGroup({
  name: 'rejects',
  summary: 'List, export and retry inputs that were not accepted.',
  subcommands: [list, exportCommand, retry],
});
