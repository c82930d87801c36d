/**
 * How each sales channel is reached: one row of `channel_connections` per channel (its platform and the
 * platform's settings, validated here) and the channel's credentials in the secret store
 * (src/secrets/store.ts), which no analyst relation and no list output ever shows. The inbound webhooks
 * verify signatures with `secrets.webhookSecret`; the outbound targets (src/channels/outbound/) push with
 * the API credentials.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import * as z from 'zod';
import { deleteSecret, storeJsonSecret } from '../secrets/store.ts';
import { UserError } from '../warehouse/errors.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

export const PLATFORMS = ['shopify', 'woocommerce', 'amazon', 'webhook'] as const;
export type Platform = (typeof PLATFORMS)[number];

const nodeId = z.string().min(1).max(128);
const shopifyLocation = z
  .string()
  .regex(/^gid:\/\/shopify\/Location\/\d+$/, 'a Shopify location gid: gid://shopify/Location/<id>');

/** Settings every platform shares: how often drift is checked. */
const common = {
  /** Read back what the channel shows this often (minutes; 0 = only on demand). Platforms without a read API ignore it. */
  drift_check_minutes: z.number().int().min(0).max(10_080).default(15),
};

/**
 * Shopify (Admin GraphQL API). `publish`: `aggregate` sets the channel's whole availability
 * (`channel_availability`, buffers applied) at one Shopify location; `per_location` splits it over the
 * mapped nodes' locations (each node's own available units, filled in node order up to the channel's
 * availability, so Shopify's sum over locations never exceeds what the channel may sell).
 */
export const shopifySettingsSchema = z
  .strictObject({
    shop_domain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i, 'a host name such as example.myshopify.com'),
    api_version: z
      .string()
      .regex(/^\d{4}-(01|04|07|10)$/, 'a Shopify API version such as 2025-07')
      .default('2025-07'),
    /** The Admin GraphQL endpoint, when not https://{shop_domain}/admin/api/{api_version}/graphql.json (a proxy, a test shop). */
    endpoint: z.url().optional(),
    publish: z.enum(['aggregate', 'per_location']).default('aggregate'),
    /** aggregate: the Shopify location that carries the channel's availability. */
    location_id: shopifyLocation.optional(),
    /** Our nodes and their Shopify locations (per_location publishing; inbound fulfilments map back through it). */
    locations: z.record(nodeId, shopifyLocation).default({}),
    ...common,
  })
  .refine((s) => s.publish !== 'aggregate' || s.location_id !== undefined, {
    message: 'aggregate publishing needs location_id (the Shopify location that carries the availability)',
    path: ['location_id'],
  })
  .refine((s) => s.publish !== 'per_location' || Object.keys(s.locations).length > 0, {
    message: 'per_location publishing needs locations: {node_id: gid://shopify/Location/…}',
    path: ['locations'],
  });

/** WooCommerce (REST API v3): stock goes out as `products/batch` updates of `stock_quantity`. */
export const wooSettingsSchema = z.strictObject({
  /** The shop's address; the API is under {base_url}/wp-json/{api_version}/. */
  base_url: z.url(),
  api_version: z.literal('wc/v3').default('wc/v3'),
  /** Items per batch request (WooCommerce accepts at most 100). */
  batch_size: z.number().int().min(1).max(100).default(100),
  ...common,
});

/** Amazon Selling Partner API: quantities go out as a feed (Feeds API 2021-06-30). */
export const amazonSettingsSchema = z.strictObject({
  seller_id: z.string().min(1).max(64),
  marketplace_ids: z.array(z.string().min(1).max(32)).min(1),
  /** JSON_LISTINGS_FEED (PATCH of fulfillment_availability) or the inventory flat file. */
  feed_type: z
    .enum(['JSON_LISTINGS_FEED', 'POST_FLAT_FILE_INVENTORY_LOADER_DATA'])
    .default('JSON_LISTINGS_FEED'),
  /** The regional SP-API endpoint. */
  endpoint: z.url().default('https://sellingpartnerapi-na.amazon.com'),
  /** Login with Amazon token endpoint (refresh token → access token). */
  token_endpoint: z.url().default('https://api.amazon.com/auth/o2/token'),
  /** Merchant-fulfilled offers: DEFAULT. */
  fulfillment_channel_code: z.string().min(1).max(32).default('DEFAULT'),
  ...common,
});

/** Anything else: a signed JSON POST of the changed quantities (docs/channels.md "Generic webhook"). */
export const webhookSettingsSchema = z.strictObject({
  url: z.url(),
  /** Quantities per POST. */
  batch_size: z.number().int().min(1).max(10_000).default(500),
  ...common,
});

export const SETTINGS_SCHEMAS = {
  shopify: shopifySettingsSchema,
  woocommerce: wooSettingsSchema,
  amazon: amazonSettingsSchema,
  webhook: webhookSettingsSchema,
} as const;

export type ShopifySettings = z.output<typeof shopifySettingsSchema>;
export type WooSettings = z.output<typeof wooSettingsSchema>;
export type AmazonSettings = z.output<typeof amazonSettingsSchema>;
export type WebhookSettings = z.output<typeof webhookSettingsSchema>;
export type SettingsOf<P extends Platform> = z.output<(typeof SETTINGS_SCHEMAS)[P]>;

/**
 * Credentials, by their name in the API and CLI (snake_case) and in code (camelCase). Which a platform
 * needs is in REQUIRED_SECRETS; `webhook_secret` verifies the channel's inbound webhooks (Shopify's app
 * client secret, WooCommerce's webhook secret); `signing_secret` signs our outbound generic webhooks.
 */
export const SECRET_FIELDS = {
  api_token: 'apiToken',
  webhook_secret: 'webhookSecret',
  consumer_key: 'consumerKey',
  consumer_secret: 'consumerSecret',
  lwa_client_id: 'lwaClientId',
  lwa_client_secret: 'lwaClientSecret',
  refresh_token: 'refreshToken',
  signing_secret: 'signingSecret',
} as const;
export type SecretName = keyof typeof SECRET_FIELDS;

const secretValue = z.string().min(1).max(4096);
/** The credentials as given (API body, CLI flags): any subset; saving merges them into what is stored. */
export const secretsInputSchema = z.strictObject(
  Object.fromEntries(Object.keys(SECRET_FIELDS).map((name) => [name, secretValue.optional()])) as Record<
    SecretName,
    z.ZodOptional<typeof secretValue>
  >,
);
export type SecretsInput = z.output<typeof secretsInputSchema>;

export const REQUIRED_SECRETS: Readonly<Record<Platform, readonly SecretName[]>> = {
  shopify: ['api_token'],
  woocommerce: ['consumer_key', 'consumer_secret'],
  amazon: ['lwa_client_id', 'lwa_client_secret', 'refresh_token'],
  webhook: ['signing_secret'],
};
/** Secrets a platform may hold beyond the required ones. */
const OPTIONAL_SECRETS: Readonly<Record<Platform, readonly SecretName[]>> = {
  shopify: ['webhook_secret'],
  woocommerce: ['webhook_secret'],
  amazon: [],
  webhook: [],
};

/** A channel's credentials in code. */
export type ChannelSecrets = { -readonly [K in SecretName as (typeof SECRET_FIELDS)[K]]?: string };

export const channelIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - (it appears in webhook URLs)');

/** What `channels add` and POST /channels take: a channel, its platform, settings and (some) credentials. */
export const connectionInputSchema = z.discriminatedUnion('platform', [
  z.strictObject({
    channel_id: channelIdSchema,
    platform: z.literal('shopify'),
    settings: shopifySettingsSchema,
    secrets: secretsInputSchema.default({}),
    enabled: z.boolean().default(true),
  }),
  z.strictObject({
    channel_id: channelIdSchema,
    platform: z.literal('woocommerce'),
    settings: wooSettingsSchema,
    secrets: secretsInputSchema.default({}),
    enabled: z.boolean().default(true),
  }),
  z.strictObject({
    channel_id: channelIdSchema,
    platform: z.literal('amazon'),
    settings: amazonSettingsSchema,
    secrets: secretsInputSchema.default({}),
    enabled: z.boolean().default(true),
  }),
  z.strictObject({
    channel_id: channelIdSchema,
    platform: z.literal('webhook'),
    settings: webhookSettingsSchema,
    secrets: secretsInputSchema.default({}),
    enabled: z.boolean().default(true),
  }),
]);
export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** A connection with its credentials: for the code that talks to the channel, never for output. */
export type ChannelConnection = {
  [P in Platform]: {
    channelId: string;
    platform: P;
    settings: SettingsOf<P>;
    secrets: ChannelSecrets;
    enabled: boolean;
  };
}[Platform];

/** A connection as lists show it: the names of the credentials it holds, never their values. */
export interface ConnectionSummary {
  channel_id: string;
  platform: Platform;
  settings: Record<string, unknown>;
  secrets_set: SecretName[];
  enabled: boolean;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Something that runs a parameterised query: the warehouse, or a reader connection of the server. */
export interface SqlReader {
  all(sql: string, params: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]>;
}

const SECRET_PURPOSE = 'channel_connection';

interface ConnectionRow {
  channel_id: string;
  platform: string;
  settings: string;
  secret_id: string | null;
  enabled: boolean;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT_CONNECTIONS = `SELECT channel_id, platform, settings::VARCHAR AS settings, secret_id, enabled, created_by,
  created_at, updated_at FROM channel_connections`;

/** Parses stored settings (with today's defaults filled in). */
function parseSettings(platform: string, settings: string): { platform: Platform; settings: unknown } {
  if (!(PLATFORMS as readonly string[]).includes(platform))
    throw new Error(`channel_connections holds an unknown platform "${platform}"`);
  const schema = SETTINGS_SCHEMAS[platform as Platform];
  return { platform: platform as Platform, settings: schema.parse(JSON.parse(settings)) };
}

function toCode(stored: Record<string, string>): ChannelSecrets {
  const secrets: Record<string, string> = {};
  for (const [name, field] of Object.entries(SECRET_FIELDS))
    if (typeof stored[name] === 'string') secrets[field] = stored[name];
  return secrets as ChannelSecrets;
}

/** The channel's connection with its credentials, or null when the channel has none. */
export async function loadConnection(db: SqlReader, channelId: string): Promise<ChannelConnection | null> {
  const rows = (await db.all(`${SELECT_CONNECTIONS} WHERE channel_id = $id`, {
    id: channelId,
  })) as unknown as ConnectionRow[];
  const row = rows[0];
  if (!row) return null;
  return withSecrets(db, row);
}

/** Every enabled connection with its credentials (the outbound worker's view). */
export async function loadEnabledConnections(db: SqlReader): Promise<ChannelConnection[]> {
  const rows = (await db.all(
    `${SELECT_CONNECTIONS} WHERE enabled ORDER BY channel_id`,
    {},
  )) as unknown as ConnectionRow[];
  return Promise.all(rows.map((row) => withSecrets(db, row)));
}

async function withSecrets(db: SqlReader, row: ConnectionRow): Promise<ChannelConnection> {
  const { platform, settings } = parseSettings(row.platform, row.settings);
  let stored: Record<string, string> = {};
  if (row.secret_id) {
    const found = await db.all('SELECT value FROM secrets WHERE secret_id = $id', { id: row.secret_id });
    if (found[0]) stored = JSON.parse(String(found[0].value)) as Record<string, string>;
  }
  return {
    channelId: row.channel_id,
    platform,
    settings,
    secrets: toCode(stored),
    enabled: row.enabled,
  } as ChannelConnection;
}

/** Every connection, without credentials (only the names of those set) and with webhook URLs cut to their origin. */
export async function listConnections(db: SqlReader): Promise<ConnectionSummary[]> {
  const rows = (await db.all(`${SELECT_CONNECTIONS} ORDER BY channel_id`, {})) as unknown as ConnectionRow[];
  const names = new Map<string, SecretName[]>();
  const ids = rows.flatMap((row) => (row.secret_id ? [row.secret_id] : []));
  if (ids.length > 0) {
    // Only the keys of the stored JSON leave the secret store here.
    const found = await db.all(
      `SELECT secret_id, json_keys(value::JSON) AS names FROM secrets
       WHERE list_contains(from_json($ids, '["VARCHAR"]'), secret_id)`,
      { ids: JSON.stringify(ids) },
    );
    for (const item of found)
      names.set(
        String(item.secret_id),
        (item.names as string[]).filter((n): n is SecretName => n in SECRET_FIELDS).sort(),
      );
  }
  return rows.map((row) => {
    const { platform, settings } = parseSettings(row.platform, row.settings);
    return {
      channel_id: row.channel_id,
      platform,
      settings: redactSettings(platform, settings as Record<string, unknown>),
      secrets_set: row.secret_id ? (names.get(row.secret_id) ?? []) : [],
      enabled: row.enabled,
      created_by: row.created_by,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  });
}

/**
 * A generic webhook's URL can itself be a bearer token (its path or query): lists show its origin only.
 * Other settings name shops and endpoints, which the admins who list connections configured.
 */
function redactSettings(platform: Platform, settings: Record<string, unknown>): Record<string, unknown> {
  if (platform !== 'webhook' || typeof settings.url !== 'string') return settings;
  try {
    const url = new URL(settings.url);
    const rest = url.pathname !== '/' || url.search !== '' ? '/…' : '';
    return { ...settings, url: `${url.protocol}//${url.host}${rest}` };
  } catch {
    return { ...settings, url: '(invalid URL)' };
  }
}

export function parseConnectionInput(raw: unknown): z.output<typeof connectionInputSchema> {
  const result = connectionInputSchema.safeParse(raw);
  if (!result.success) {
    throw new UserError(
      `invalid channel connection: ${result.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}

/**
 * Creates or replaces a channel's connection. Credentials given replace those stored under the same name;
 * those not given are kept (changing a setting does not need the token again), unless the platform changed.
 * A connection missing a credential its platform needs is refused.
 */
export async function saveConnection(
  warehouse: Warehouse,
  raw: ConnectionInput,
  options: { actor?: string | null; now?: Date } = {},
): Promise<ConnectionSummary> {
  const input = parseConnectionInput(raw);
  const now = options.now ?? new Date();
  const existing = (
    await warehouse.all<ConnectionRow>(`${SELECT_CONNECTIONS} WHERE channel_id = $id`, {
      id: input.channel_id,
    })
  )[0];
  let stored: Record<string, string> = {};
  if (existing?.secret_id && existing.platform === input.platform) {
    const found = await warehouse.one<{ value: string }>('SELECT value FROM secrets WHERE secret_id = $id', {
      id: existing.secret_id,
    });
    if (found) stored = JSON.parse(found.value) as Record<string, string>;
  }
  const allowed = new Set<SecretName>([
    ...REQUIRED_SECRETS[input.platform],
    ...OPTIONAL_SECRETS[input.platform],
  ]);
  const given = Object.entries(input.secrets).filter(([, value]) => value !== undefined) as [
    SecretName,
    string,
  ][];
  const foreign = given.filter(([name]) => !allowed.has(name)).map(([name]) => name);
  if (foreign.length > 0)
    throw new UserError(
      `A ${input.platform} channel takes the credentials ${[...allowed].join(', ')}; not ${foreign.join(', ')}.`,
    );
  const merged = { ...stored, ...Object.fromEntries(given) };
  const missing = REQUIRED_SECRETS[input.platform].filter((name) => !merged[name]);
  if (missing.length > 0)
    throw new UserError(`A ${input.platform} channel needs the credentials: ${missing.join(', ')}.`);
  await warehouse.transaction(async () => {
    if (existing?.secret_id) await deleteSecret(warehouse, existing.secret_id);
    const secretId = await storeJsonSecret(
      warehouse,
      { purpose: SECRET_PURPOSE, ownerId: input.channel_id, value: merged },
      now,
    );
    await warehouse.run(
      `INSERT OR REPLACE INTO channel_connections
       VALUES ($id, $platform, $settings::JSON, $secret, $enabled, $by, $created::TIMESTAMPTZ, $now::TIMESTAMPTZ)`,
      {
        id: input.channel_id,
        platform: input.platform,
        settings: JSON.stringify(input.settings),
        secret: secretId,
        enabled: input.enabled,
        by: existing?.created_by ?? options.actor ?? null,
        created: (existing?.created_at ?? now).toISOString(),
        now: now.toISOString(),
      },
    );
    // The worker's progress starts afresh for a new target (a platform change re-publishes everything).
    if (!existing || existing.platform !== input.platform) {
      await warehouse.run('DELETE FROM channel_sync_state WHERE channel_id = $id', { id: input.channel_id });
      await warehouse.run('DELETE FROM channel_items WHERE channel_id = $id', { id: input.channel_id });
      await warehouse.run('INSERT OR REPLACE INTO channel_sync_status (channel_id) VALUES ($id)', {
        id: input.channel_id,
      });
    }
  });
  const summary = (await listConnections(warehouse)).find((c) => c.channel_id === input.channel_id);
  return summary!;
}

/** Removes a channel's connection and forgets its credentials (its publications stay). False when none. */
export async function deleteConnection(warehouse: Warehouse, channelId: string): Promise<boolean> {
  const row = await warehouse.one<{ secret_id: string | null }>(
    'SELECT secret_id FROM channel_connections WHERE channel_id = $id',
    { id: channelId },
  );
  if (!row) return false;
  await warehouse.transaction(async () => {
    await warehouse.run('DELETE FROM channel_connections WHERE channel_id = $id', { id: channelId });
    await warehouse.run('DELETE FROM channel_sync_state WHERE channel_id = $id', { id: channelId });
    await warehouse.run('DELETE FROM channel_sync_status WHERE channel_id = $id', { id: channelId });
    await warehouse.run('DELETE FROM channel_items WHERE channel_id = $id', { id: channelId });
    if (row.secret_id) await deleteSecret(warehouse, row.secret_id);
  });
  return true;
}
