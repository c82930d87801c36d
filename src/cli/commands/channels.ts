import fs from 'node:fs';
import {
  deleteConnection,
  listConnections,
  loadConnection,
  loadEnabledConnections,
  PLATFORMS,
  SECRET_FIELDS,
  saveConnection,
} from '../../channels/connections.ts';
import { checkDrift, fixDrift } from '../../channels/drift.ts';
import { syncChannel } from '../../channels/outbound/sync.ts';
import { ChannelRequestError, TransientChannelError } from '../../channels/outbound/target.ts';
import { targetFor } from '../../channels/outbound/targets.ts';
import { type ChannelStatus, channelStatus } from '../../channels/status.ts';
import { UserError } from '../../warehouse/errors.ts';
import { defineCommand, defineGroup } from '../command.ts';
import { formatRows } from '../format.ts';
import { withWarehouse } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

function readJsonArg(text: string, flag: string): unknown {
  let raw = text;
  if (text.startsWith('@')) {
    try {
      raw = fs.readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new UserError(
        `${flag}: cannot read ${text.slice(1)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`,
      );
    }
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UserError(`${flag}: not valid JSON: ${(error as Error).message}`);
  }
}

/** `NAME=VALUE`, or `NAME=@env:VAR` to keep the value out of shell history and process lists. */
function secretsFrom(list: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const match = /^([a-z_]+)=(.*)$/s.exec(item);
    if (!match)
      throw new UserError(`--secret takes NAME=VALUE (names: ${Object.keys(SECRET_FIELDS).join(', ')})`);
    let value = match[2]!;
    if (value.startsWith('@env:')) {
      const name = value.slice(5);
      const found = env[name];
      if (found === undefined || found === '')
        throw new UserError(`--secret ${match[1]}: $${name} is not set`);
      value = found;
    }
    out[match[1]!] = value;
  }
  return out;
}

const STATUS_COLUMNS: (keyof ChannelStatus)[] = [
  'channel_id',
  'platform',
  'last_published_at',
  'lag_seconds',
  'pending',
  'latency_p50_ms',
  'latency_p99_ms',
  'published',
  'rejected',
  'dead_letters',
  'open_drift',
  'consecutive_failures',
  'next_attempt_at',
  'last_error',
];

async function statusViaApi(api: string, key: string): Promise<ChannelStatus[]> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/channels/status', api), {
      headers: { authorization: `Bearer ${key}` },
    });
  } catch (error) {
    throw new UserError(`Cannot reach ${api}: ${(error as Error).message}`, 'unavailable');
  }
  const body = (await response.json().catch(() => ({}))) as { data?: ChannelStatus[]; detail?: string };
  if (!response.ok)
    throw new UserError(`${api} answered ${response.status}: ${body.detail ?? ''}`, 'unavailable');
  return body.data ?? [];
}

const CHANNEL = {
  name: 'CHANNEL',
  required: true,
  missing: 'Name the channel: its channel_id (see retailos channels list).',
} as const;

const list = defineCommand({
  name: 'list',
  summary:
    'Connections: platform, settings, whether enabled, which credentials are set (never their values).',
  options: { ...FORMAT_OPTION },
  run: (args, io) =>
    withWarehouse({ db: args.values.db }, io, async (w) => {
      const rows = (await listConnections(w)).map((c) => ({
        ...c,
        settings: JSON.stringify(c.settings),
        secrets_set: c.secrets_set.join(' '),
      }));
      io.stdout.write(
        formatRows(
          ['channel_id', 'platform', 'enabled', 'settings', 'secrets_set', 'updated_at'],
          rows,
          args.values.format,
        ),
      );
      return 0;
    }),
});

const add = defineCommand({
  name: 'add',
  summary: 'Connect a channel: its platform, settings and credentials (to the secret store).',
  details: [
    'Platforms:',
    '  shopify      inventorySetQuantities (quantity name available) at location_id, or per node (publish: per_location)',
    '               settings: {"shop_domain":"x.myshopify.com","location_id":"gid://shopify/Location/1",',
    '                          "locations":{"DC":"gid://shopify/Location/1"}}; secrets: api_token, webhook_secret',
    '  woocommerce  products/batch stock_quantity. settings: {"base_url":"https://shop.example"};',
    '               secrets: consumer_key, consumer_secret, webhook_secret',
    '  amazon       a JSON_LISTINGS_FEED (or POST_FLAT_FILE_INVENTORY_LOADER_DATA) of quantities.',
    '               settings: {"seller_id":"A1…","marketplace_ids":["ATVPDKIKX0DER"]};',
    '               secrets: lwa_client_id, lwa_client_secret, refresh_token',
    '  webhook      a signed JSON POST per batch. settings: {"url":"https://…"}; secrets: signing_secret',
    'Credentials go to the secret store (never shown again, never readable by analysts); `list` names them only.',
  ].join('\n'),
  options: {
    platform: {
      type: 'enum',
      choices: PLATFORMS,
      required: true,
      valueName: 'P',
      description: PLATFORMS.join(', '),
    },
    settings: {
      type: 'string',
      required: true,
      valueName: 'JSON',
      description: 'the platform settings (JSON, or @FILE)',
    },
    secret: {
      type: 'list',
      split: false,
      valueName: 'NAME=VALUE',
      description: 'a credential (repeat; NAME=@env:VAR reads it from the environment)',
    },
    disabled: { type: 'boolean', description: 'store the connection without pushing to it' },
  },
  arguments: [CHANNEL],
  async run(args, io) {
    const input = {
      channel_id: args.positionals[0]!,
      platform: args.values.platform,
      settings: readJsonArg(args.values.settings, '--settings'),
      secrets: secretsFrom(args.values.secret ?? [], io.env),
      enabled: !args.values.disabled,
    };
    return withWarehouse({ db: args.values.db }, io, async (w) => {
      const saved = await saveConnection(w, input as never, { actor: 'cli' });
      io.stdout.write(
        `Channel ${saved.channel_id} connected (${saved.platform}; credentials stored: ${saved.secrets_set.join(', ') || 'none'}).\n` +
          `Next: retailos channels test ${saved.channel_id} · retailos channels sync ${saved.channel_id}\n`,
      );
      return 0;
    });
  },
});

const remove = defineCommand({
  name: 'remove',
  summary: 'Disconnect a channel: its credentials are forgotten, its publications kept.',
  options: {},
  arguments: [CHANNEL],
  run: (args, io) =>
    withWarehouse({ db: args.values.db }, io, async (w) => {
      const channel = args.positionals[0]!;
      if (!(await deleteConnection(w, channel))) throw new UserError(`No connection for channel ${channel}.`);
      io.stdout.write(
        `Channel ${channel} disconnected; its credentials are forgotten, its publications kept.\n`,
      );
      return 0;
    }),
});

const test = defineCommand({
  name: 'test',
  summary: 'Reach the channel with its credentials, changing nothing; exit 1 when it fails.',
  options: {},
  arguments: [CHANNEL],
  run: (args, io) =>
    withWarehouse({ db: args.values.db }, io, async (w) => {
      const channel = args.positionals[0]!;
      const connection = await loadConnection(w, channel);
      if (!connection)
        throw new UserError(`No connection for channel ${channel}: retailos channels add ${channel} …`);
      try {
        io.stdout.write(`${channel}: ok: ${await targetFor(connection).probe()}\n`);
        return 0;
      } catch (error) {
        if (error instanceof TransientChannelError || error instanceof ChannelRequestError) {
          io.stderr.write(`${channel}: failed: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
    }),
});

const sync = defineCommand({
  name: 'sync',
  summary: 'Push availability now to one channel or every enabled one (server stopped); exit 1 on a failure.',
  details: [
    'The server pushes within seconds of the events that change availability; this pushes from the CLI.',
    '--fix-drift reads the channel back, opens channel_drift exceptions where it shows other quantities than',
    'we published, and pushes ours again.',
  ].join('\n'),
  options: {
    'fix-drift': { type: 'boolean', description: 'read the channel back and put our quantities back' },
    'check-drift': { type: 'boolean', description: 'read the channel back and report drift (no fix)' },
    'retry-rejected': { type: 'boolean', description: 'also retry quantities the channel refused' },
  },
  arguments: [{ name: 'CHANNEL' }],
  run: (args, io) =>
    withWarehouse({ db: args.values.db }, io, async (w) => {
      const channel = args.positionals[0];
      const connections = (await loadEnabledConnections(w)).filter(
        (c) => !channel || c.channelId === channel,
      );
      if (connections.length === 0)
        throw new UserError(
          channel
            ? `No enabled connection for channel ${channel}.`
            : 'No channel is connected: retailos channels add …',
        );
      let failed = 0;
      for (const connection of connections) {
        const target = targetFor(connection);
        if (args.values['fix-drift']) {
          const { drift, sync } = await fixDrift(w, connection, target);
          io.stdout.write(
            `${connection.channelId}: ${drift.supported ? `${drift.checked} checked, ${drift.drifting} drifting; ` : 'no read API: nothing to check; '}` +
              `${sync.published} published${sync.error ? `; failed: ${sync.error}` : ''}\n`,
          );
          if (sync.error) failed++;
          continue;
        }
        const sync = await syncChannel(w, connection, target, {
          force: true,
          retryRejected: args.values['retry-rejected'],
        });
        io.stdout.write(
          `${connection.channelId}: ${sync.published} published, ${sync.rejected} rejected` +
            `${sync.remaining > 0 ? `, ${sync.remaining} still pending` : ''}${sync.error ? `; failed: ${sync.error}` : ''}\n`,
        );
        if (sync.error) failed++;
        if (args.values['check-drift']) {
          const drift = await checkDrift(w, connection, target);
          io.stdout.write(
            drift.supported
              ? `${connection.channelId}: drift: ${drift.checked} checked, ${drift.drifting} drifting (${drift.opened} new)` +
                  `${drift.drifting > 0 ? ` — fix: retailos channels sync ${connection.channelId} --fix-drift` : ''}\n`
              : `${connection.channelId}: the platform has no read API: no drift check\n`,
          );
        }
      }
      return failed > 0 ? 1 : 0;
    }),
});

const status = defineCommand({
  name: 'status',
  summary: 'Per channel: the last publication, lag, latency, pending, rejected and failures.',
  details:
    'While `retailos serve` holds the warehouse, read it through the server: --api http://127.0.0.1:8080 --key rk_…',
  options: {
    api: { type: 'string', valueName: 'URL', description: 'read through a running server' },
    key: {
      type: 'string',
      valueName: 'KEY',
      description: 'with --api: an API key (default $RETAILOS_API_KEY)',
    },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { api, format } = args.values;
    let rows: ChannelStatus[];
    if (api !== undefined) {
      const key = args.values.key ?? io.env.RETAILOS_API_KEY;
      if (!key) throw new UserError('--api needs a key with channels:read: --key rk_… or $RETAILOS_API_KEY');
      rows = await statusViaApi(api, key);
    } else {
      rows = await withWarehouse({ db: args.values.db }, io, (w) => channelStatus(w));
    }
    io.stdout.write(formatRows(STATUS_COLUMNS, rows as unknown as Record<string, unknown>[], format));
    if (format === 'table' && rows.length === 0)
      io.stdout.write('No channel is connected: retailos channels add …\n');
    return 0;
  },
});

export const channelsCommand = defineGroup({
  name: 'channels',
  summary: 'Sales channel connections: add, list, test, push availability (sync), drift, status.',
  details: [
    'Each channel is told what it may sell (channel_availability, buffers applied) as it changes: the server pushes',
    'within seconds of the events that change it; `sync` pushes now from the CLI (server stopped). See',
    'docs/channels.md. Without a subcommand: status.',
  ].join('\n'),
  subcommands: [list, add, test, sync, status, remove],
  default: 'status',
});
