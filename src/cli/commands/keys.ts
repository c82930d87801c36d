import { createKey, listKeys, publicKey, revokeKey } from '../../api/keys.ts';
import { ROLES } from '../../api/roles.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command } from '../command.ts';
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from '../format.ts';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Create, list and revoke API keys for the server.',
  usage:
    'retailos keys create --role ROLE --name NAME | keys list [--format table|json|csv] | keys revoke KEY_ID',
  details: [
    `create   prints a new key once (only its SHA-256 is stored); roles: ${ROLES.join(', ')}`,
    'list     key ids, names, roles, created and revoked times (never the keys)',
    'revoke   stops a key from working, for good (KEY_ID as keys list prints it, or the key itself)',
    'While `retailos serve` runs it owns the warehouse: use /api/v1/keys with an admin key instead.',
  ].join('\n'),
  options: {
    role: { type: 'string', valueName: 'ROLE', description: `create: one of ${ROLES.join(', ')}` },
    name: { type: 'string', valueName: 'NAME', description: 'create: who or what uses the key' },
    format: { type: 'string', valueName: 'FMT', description: 'list output: table (default), json or csv' },
  },
  async run(args, io) {
    const [action, ...rest] = args.positionals;
    if (!action || !['create', 'list', 'revoke'].includes(action)) {
      throw new UserError('Say what to do: retailos keys create|list|revoke (see --help)');
    }
    const format = (args.values.format as string | undefined) ?? 'table';
    if (!OUTPUT_FORMATS.includes(format as OutputFormat)) throw new UserError(`Unknown --format "${format}"`);
    if (action === 'revoke' && rest.length !== 1)
      throw new UserError('Give the key id to revoke: retailos keys revoke KEY_ID');
    const dbPath = resolveDbPath(args.values.db as string | undefined, io.env);
    const warehouse = await Warehouse.open(dbPath, { create: action === 'create' });
    try {
      if (action === 'create') {
        const { key, record } = await createKey(warehouse, {
          role: args.values.role,
          name: args.values.name,
        });
        io.stdout.write(`${key}\n`);
        io.stderr.write(
          `Created key ${record.key_id} (${record.role}, "${record.name}"). It is shown only now: store it safely.\n`,
        );
        return 0;
      }
      if (action === 'list') {
        const rows = (await listKeys(warehouse, true)).map((key) => ({
          ...publicKey(key),
          status: key.revoked_at ? 'revoked' : 'active',
        }));
        const columns = ['key_id', 'name', 'role', 'status', 'created_at', 'revoked_at'];
        io.stdout.write(formatRows(columns, rows, format as OutputFormat));
        return 0;
      }
      // The key id of `keys list`, or the key itself (rk_<key id>_<secret>): both name the key.
      const keyId = /^rk_([0-9a-f]{12})_/.exec(rest[0]!)?.[1] ?? rest[0]!;
      if (!(await revokeKey(warehouse, keyId))) throw new UserError(`No active key ${keyId}.`);
      io.stdout.write(`Revoked key ${keyId}.\n`);
      return 0;
    } finally {
      await warehouse.close();
    }
  },
};
