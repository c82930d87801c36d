import { once } from 'node:events';
import fs from 'node:fs';
import {
  exportRejects,
  listRejects,
  type RejectStatus,
  readCorrections,
  retryRejects,
} from '../../ingest/rejects.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command } from '../command.ts';
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from '../format.ts';

const STATUSES: readonly RejectStatus[] = ['open', 'resolved', 'all'];

export const rejectsCommand: Command = {
  name: 'rejects',
  summary: 'List, export and retry inputs that were not accepted.',
  usage:
    'retailos rejects list|export|retry [ID ...] [--status open|resolved|all] [--id N ...] [--out FILE] [--from FILE]',
  details: [
    'list     show rejects with their errors (--format table|json|csv, --limit N)',
    'export   write rejects as JSON Lines ({reject_id, source_file, source_line, reason, errors, input}) to --out or stdout',
    'retry    re-validate open rejects (all, or the ids given: retailos rejects retry 12 13, or --id 12 --id 13);',
    '         with --from FILE, use the corrected `input` of an export',
    'The reject_id that list prints is the id export and retry take (as ID arguments or --id).',
    'A corrected event re-sent with `retailos ingest` also resolves its reject (same event_id).',
  ].join('\n'),
  options: {
    status: {
      type: 'string',
      valueName: 'S',
      description: 'open (default; all when ids are given), resolved or all',
    },
    id: { type: 'string', multiple: true, valueName: 'N', description: 'only these reject ids (repeatable)' },
    limit: { type: 'string', valueName: 'N', description: 'list at most N rejects (default 100)' },
    format: { type: 'string', valueName: 'FMT', description: 'list output: table (default), json or csv' },
    out: { type: 'string', valueName: 'FILE', description: 'export to this file instead of stdout' },
    from: {
      type: 'string',
      valueName: 'FILE',
      description: 'retry with the corrected inputs of an export file',
    },
  },
  async run(args, io) {
    const [action] = args.positionals;
    if (!action || !['list', 'export', 'retry'].includes(action)) {
      throw new UserError('Say what to do: retailos rejects list|export|retry (see --help)');
    }
    // Ids as arguments (`rejects retry 12 13`) or as --id: the reject_id column of `rejects list`.
    const idTexts = [...args.positionals.slice(1), ...((args.values.id as string[] | undefined) ?? [])];
    const ids =
      idTexts.length === 0
        ? undefined
        : idTexts.map((text) => {
            const id = Number(text.replace(/^#/, ''));
            if (!Number.isInteger(id) || id < 1)
              throw new UserError(
                `A reject id is a positive whole number (the reject_id column of retailos rejects list), got "${text}".`,
              );
            return id;
          });
    // Rejects named by id are shown whatever their status; retry only ever takes open ones.
    const status = (args.values.status as string | undefined) ?? (ids && action !== 'retry' ? 'all' : 'open');
    if (!STATUSES.includes(status as RejectStatus))
      throw new UserError(`--status must be open, resolved or all, got ${status}`);
    const dbPath = resolveDbPath(args.values.db as string | undefined, io.env);
    const warehouse = await Warehouse.open(dbPath, { readOnly: action !== 'retry', create: false });
    try {
      if (action === 'list') {
        const format = (args.values.format as string | undefined) ?? 'table';
        if (!OUTPUT_FORMATS.includes(format as OutputFormat))
          throw new UserError(`Unknown --format "${format}"`);
        const limit = args.values.limit === undefined ? 100 : Number(args.values.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UserError('--limit takes a positive whole number');
        const rows = await listRejects(warehouse, { status: status as RejectStatus, ids, limit });
        const table = rows.map((row) => ({
          reject_id: row.reject_id,
          status: row.status,
          reason: row.reason,
          source: row.source_file
            ? `${row.source_file}${row.source_line ? `:${row.source_line}` : ''}`
            : null,
          event_id: row.event_id,
          type: row.type,
          errors: row.errors.map((error) => `${error.path || '(event)'}: ${error.message}`).join('; '),
          ...(format === 'table' ? {} : { raw: row.raw }),
        }));
        const columns = [
          'reject_id',
          'status',
          'reason',
          'source',
          'event_id',
          'type',
          'errors',
          ...(format === 'table' ? [] : ['raw']),
        ];
        io.stdout.write(formatRows(columns, table, format as OutputFormat));
        if (format === 'table' && rows.some((row) => row.status === 'open'))
          io.stdout.write('Retry one (after correcting it, see --help): retailos rejects retry REJECT_ID\n');
        return 0;
      }
      if (action === 'export') {
        const outPath = args.values.out as string | undefined;
        const out = outPath ? fs.createWriteStream(outPath) : io.stdout;
        const count = await exportRejects(warehouse, out, { status: status as RejectStatus, ids });
        if (outPath) {
          (out as fs.WriteStream).end();
          await once(out, 'finish');
          io.stderr.write(
            `Exported ${count} rejects to ${outPath}. Correct "input", then: retailos rejects retry --from ${outPath}\n`,
          );
        }
        return 0;
      }
      if (ids) {
        const open = new Set(
          (await listRejects(warehouse, { status: 'open', ids })).map((row) => row.reject_id),
        );
        const missing = ids.filter((id) => !open.has(id));
        if (missing.length === ids.length) {
          throw new UserError(
            `No open reject ${missing.join(', ')}: already resolved or unknown (see retailos rejects list --status all).`,
            1,
          );
        }
        if (missing.length > 0)
          io.stderr.write(
            `Skipped ${missing.join(', ')}: no such open reject (already resolved or unknown).\n`,
          );
      }
      const corrections = args.values.from ? readCorrections(args.values.from as string) : undefined;
      const outcome = await retryRejects(warehouse, { ids }, corrections);
      io.stdout.write(
        `retried ${outcome.retried}: resolved ${outcome.resolved}, still invalid ${outcome.stillRejected}, conflicts ${outcome.conflicts}\n`,
      );
      return outcome.stillRejected + outcome.conflicts > 0 ? 1 : 0;
    } finally {
      await warehouse.close();
    }
  },
};
