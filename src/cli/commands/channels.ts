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
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat } from './positions.ts';

const USAGE = [
  'retailos channels list [--format table|json|csv]',
  '       retailos channels add CHANNEL --platform shopify|woocommerce|amazon|webhook --settings JSON|@FILE',
  '                             [--secret NAME=VALUE|NAME=@env:VAR ...] [--disabled]',
  '       retailos channels test CHANNEL',
  '       retailos channels sync [CHANNEL] [--fix-drift] [--check-drift] [--retry-rejected]',
  '       retailos channels status [--api URL --key KEY] [--format table|json|csv]',
  '       retailos channels remove CHANNEL',
].join('\n');

async function withWarehouse<T>(
  args: ParsedArgs,
  io: CommandIo,
  work: (w: Warehouse) => Promise<T>,
): Promise<T> {
  const warehouse = await Warehouse.open(resolveDbPath(args.values.db as string | undefined, io.env), {
    create: false,
  });
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

function readJsonArg(text: string | undefined, flag: string): unknown {
  if (text === undefined) throw new UserError(`${flag} is required (JSON, or @FILE)`);
  const raw = text.startsWith('@') ? fs.readFileSync(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UserError(`${flag}: not valid JSON: ${(error as Error).message}`);
  }
}

/** `NAME=VALUE`, or `NAME=@env:VAR` to keep the value out of shell history and process lists. */
function secretsFrom(values: unknown, env: NodeJS.ProcessEnv): Record<string, string> {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  const out: Record<string, string> = {};
  for (const item of list) {
    const match = /^([a-z_]+)=(.*)$/s.exec(String(item));
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

function channelArg(args: ParsedArgs, required = true): string | undefined {
  const channel = args.positionals[1];
  if (required && !channel) throw new UserError(`Name the channel: ${USAGE.split('\n')[0]}`);
  return channel;
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
    throw new UserError(`Cannot reach ${api}: ${(error as Error).message}`, 3);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: ChannelStatus[]; detail?: string };
  if (!response.ok) throw new UserError(`${api} answered ${response.status}: ${body.detail ?? ''}`, 3);
  return body.data ?? [];
}

export const channelsCommand: Command = {
  name: 'channels',
  summary: 'Sales channel connections: add, list, test, push availability (sync), drift, status.',
  usage: USAGE,
  details: [
    'Each channel is told what it may sell (channel_availability, buffers applied) as it changes: the server pushes',
    'within seconds of the events that change it; `sync` pushes now from the CLI (server stopped). Platforms:',
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
    'sync --fix-drift reads the channel back, opens channel_drift exceptions where it shows other quantities than',
    'we published, and pushes ours again. status shows the last publication, lag, latency and failures per channel;',
    'while `retailos serve` holds the warehouse, read it through the server: --api http://127.0.0.1:8080 --key rk_…',
    'See docs/channels.md.',
  ].join('\n'),
  options: {
    platform: { type: 'string', valueName: 'P', description: `add: ${PLATFORMS.join(', ')}` },
    settings: {
      type: 'string',
      valueName: 'JSON',
      description: 'add: the platform settings (JSON, or @FILE)',
    },
    secret: {
      type: 'string',
      multiple: true,
      valueName: 'NAME=VALUE',
      description: 'add: a credential (repeat; NAME=@env:VAR reads it from the environment)',
    },
    disabled: { type: 'boolean', description: 'add: store the connection without pushing to it' },
    'fix-drift': { type: 'boolean', description: 'sync: read the channel back and put our quantities back' },
    'check-drift': { type: 'boolean', description: 'sync: read the channel back and report drift (no fix)' },
    'retry-rejected': { type: 'boolean', description: 'sync: also retry quantities the channel refused' },
    api: { type: 'string', valueName: 'URL', description: 'status: read through a running server' },
    key: {
      type: 'string',
      valueName: 'KEY',
      description: 'with --api: an API key (default $RETAILOS_API_KEY)',
    },
    format: { type: 'string', valueName: 'FMT', description: 'list/status: table (default), json or csv' },
  },
  async run(args, io) {
    const sub = args.positionals[0] ?? 'status';
    switch (sub) {
      case 'list':
        return withWarehouse(args, io, async (w) => {
          const rows = (await listConnections(w)).map((c) => ({
            ...c,
            settings: JSON.stringify(c.settings),
            secrets_set: c.secrets_set.join(' '),
          }));
          io.stdout.write(
            formatRows(
              ['channel_id', 'platform', 'enabled', 'settings', 'secrets_set', 'updated_at'],
              rows,
              outputFormat(args),
            ),
          );
          return 0;
        });
      case 'add': {
        const channel = channelArg(args)!;
        const input = {
          channel_id: channel,
          platform: args.values.platform,
          settings: readJsonArg(args.values.settings as string | undefined, '--settings'),
          secrets: secretsFrom(args.values.secret, io.env),
          enabled: args.values.disabled !== true,
        };
        return withWarehouse(args, io, async (w) => {
          const saved = await saveConnection(w, input as never, { actor: 'cli' });
          io.stdout.write(
            `Channel ${saved.channel_id} connected (${saved.platform}; credentials stored: ${saved.secrets_set.join(', ') || 'none'}).\n` +
              `Next: retailos channels test ${saved.channel_id} · retailos channels sync ${saved.channel_id}\n`,
          );
          return 0;
        });
      }
      case 'remove':
        return withWarehouse(args, io, async (w) => {
          const channel = channelArg(args)!;
          if (!(await deleteConnection(w, channel)))
            throw new UserError(`No connection for channel ${channel}.`);
          io.stdout.write(
            `Channel ${channel} disconnected; its credentials are forgotten, its publications kept.\n`,
          );
          return 0;
        });
      case 'test':
        return withWarehouse(args, io, async (w) => {
          const channel = channelArg(args)!;
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
        });
      case 'sync':
        return withWarehouse(args, io, async (w) => {
          const channel = channelArg(args, false);
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
            if (args.values['fix-drift'] === true) {
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
              retryRejected: args.values['retry-rejected'] === true,
            });
            io.stdout.write(
              `${connection.channelId}: ${sync.published} published, ${sync.rejected} rejected` +
                `${sync.remaining > 0 ? `, ${sync.remaining} still pending` : ''}${sync.error ? `; failed: ${sync.error}` : ''}\n`,
            );
            if (sync.error) failed++;
            if (args.values['check-drift'] === true) {
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
        });
      case 'status': {
        const api = args.values.api as string | undefined;
        let rows: ChannelStatus[];
        if (api !== undefined) {
          const key = (args.values.key as string | undefined) ?? io.env.RETAILOS_API_KEY;
          if (!key)
            throw new UserError('--api needs a key with channels:read: --key rk_… or $RETAILOS_API_KEY');
          rows = await statusViaApi(api, key);
        } else {
          rows = await withWarehouse(args, io, (w) => channelStatus(w));
        }
        const format = outputFormat(args);
        io.stdout.write(formatRows(STATUS_COLUMNS, rows as unknown as Record<string, unknown>[], format));
        if (format === 'table' && rows.length === 0)
          io.stdout.write('No channel is connected: retailos channels add …\n');
        return 0;
      }
      default:
        throw new UserError(`Unknown subcommand "${sub}".\n${USAGE}`);
    }
  },
};
