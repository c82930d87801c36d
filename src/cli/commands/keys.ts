import { createKey, listKeys, publicKey, revokeKey } from '../../api/keys.ts';
import { ROLES } from '../../auth/roles.ts';
import { UserError } from '../../warehouse/errors.ts';
import { defineCommand, defineGroup } from '../command.ts';
import { formatRows } from '../format.ts';
import { withWarehouse } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

const SERVE_NOTE =
  'While `retailos serve` runs it owns the warehouse: use /api/v1/keys with an admin key instead.';

const create = defineCommand({
  name: 'create',
  summary: 'Print a new key once (only its SHA-256 is stored).',
  details: SERVE_NOTE,
  options: {
    role: {
      type: 'enum',
      choices: ROLES,
      required: true,
      valueName: 'ROLE',
      description: `one of ${ROLES.join(', ')}`,
    },
    name: { type: 'string', required: true, valueName: 'NAME', description: 'who or what uses the key' },
  },
  async run(args, io) {
    // The first key is made before anything else: creating it may create the warehouse.
    const { key, record } = await withWarehouse({ db: args.values.db, create: true }, io, (warehouse) =>
      createKey(warehouse, { role: args.values.role, name: args.values.name }),
    );
    io.stdout.write(`${key}\n`);
    io.stderr.write(
      `Created key ${record.key_id} (${record.role}, "${record.name}"). It is shown only now: store it safely.\n`,
    );
    return 0;
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'Key ids, names, roles, created and revoked times (never the keys).',
  details: SERVE_NOTE,
  options: { ...FORMAT_OPTION },
  async run(args, io) {
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      const rows = (await listKeys(warehouse, true)).map((key) => ({
        ...publicKey(key),
        status: key.revoked_at ? 'revoked' : 'active',
      }));
      const columns = ['key_id', 'name', 'role', 'status', 'created_at', 'revoked_at'];
      io.stdout.write(formatRows(columns, rows, args.values.format));
      return 0;
    });
  },
});

const revoke = defineCommand({
  name: 'revoke',
  summary: 'Stop a key from working, for good.',
  details: `KEY_ID as keys list prints it, or the key itself.\n${SERVE_NOTE}`,
  options: {},
  arguments: [
    { name: 'KEY_ID', required: true, missing: 'Give the key id to revoke: retailos keys revoke KEY_ID' },
  ],
  async run(args, io) {
    const given = args.positionals[0]!;
    // The key id of `keys list`, or the key itself (rk_<key id>_<secret>): both name the key.
    const keyId = /^rk_([0-9a-f]{12})_/.exec(given)?.[1] ?? given;
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      if (!(await revokeKey(warehouse, keyId))) throw new UserError(`No active key ${keyId}.`);
      io.stdout.write(`Revoked key ${keyId}.\n`);
      return 0;
    });
  },
});

export const keysCommand = defineGroup({
  name: 'keys',
  summary: 'Create, list and revoke API keys for the server.',
  subcommands: [create, list, revoke],
});
