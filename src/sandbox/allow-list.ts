/**
 * What an analyst query may read and call: the one place the SQL sandbox's allow-list is kept
 * (docs/api.md's "Analyst SQL sandbox" section is generated from it by src/sandbox/docs.ts).
 *
 * Anything not listed is refused: a relation added by a later migration stays unreadable for analysts
 * until someone decides it belongs here.
 */

export type RelationGroup =
  | 'contract'
  | 'event store'
  | 'staging'
  | 'ledger'
  | 'marts'
  | 'forecasts'
  | 'allocation'
  | 'replenishment'
  | 'workflow'
  | 'alerts'
  | 'channels';

export interface AllowedRelation {
  name: string;
  group: RelationGroup;
  /** Only exists once the part of the platform that computes it exists (the sandbox allows it when present). */
  optional?: string;
}

const relations = (group: RelationGroup, names: string): AllowedRelation[] =>
  names
    .trim()
    .split(/\s+/)
    .map((name) => ({ name, group }));

/** Relations (tables, views) analysts may name in a query, unqualified or as `main.<name>`. */
export const ALLOWED_RELATIONS: readonly AllowedRelation[] = [
  // The required read models of the event contract (../shared/docs/EVENTS.md).
  ...relations('contract', 'events inventory_positions channel_availability exceptions rejected_events'),
  { name: 'channel_publications', group: 'contract' },
  // The append-only log behind `events` (the same rows; the dashboards read it), and one row per ingest
  // batch (its counts; the file names it shows are those of events.source_file).
  ...relations('event store', 'event_log ingest_batches'),
  ...relations('staging', 'stg_items stg_nodes stg_channels stg_lanes stg_suppliers'),
  // Ledger read models, and the journal they are computed from (postings, reservations, purchase lines).
  ...relations(
    'ledger',
    `available_to_promise ledger_config ledger_movements ledger_order_lines ledger_prices ledger_purchase_orders
     ledger_sales ledger_transfers ledger_keys ledger_stock ledger_order_events ledger_reservations
     ledger_po_events ledger_po_movements ledger_watermark business_clock ledger_episodes ledger_episode_status
     ledger_store_channels`,
  ),
  ...relations(
    'marts',
    `mart_inventory_rollforward mart_kpis mart_margin_by_node mart_margin_daily mart_order_fulfilment
     mart_pick_backlog mart_sales_below_list mart_stock_exposure mart_oversells_weekly exception_episodes
     mart_clock mart_periods mart_kpi_daily mart_kpi_definitions mart_stock_daily mart_kpi_daily_operations
     mart_kpi_daily_finance mart_kpi_daily_demand`,
  ),
  ...relations(
    'forecasts',
    'forecasts forecast_runs forecast_history demand_signals demand_sensing demand_sensing_exceptions',
  ),
  ...relations(
    'allocation',
    'allocation_runs allocation_explanations allocation_exceptions allocation_substitutions fulfilment_holds',
  ),
  ...relations(
    'replenishment',
    `replenishment_runs replenishment_recommendations supplier_po_history supplier_performance
     supplier_performance_monthly supplier_exposure replenishment_exceptions`,
  ),
  ...relations('workflow', 'workflow_approvals exception_status'),
  ...relations('alerts', 'alerts anomalies'),
  // What a channel showed other than what we published (src/channels/drift.ts).
  ...relations('channels', 'channel_drift channel_drift_exceptions'),
];

/**
 * Relations deliberately left out, and why (documentation; the rule is the allow-list above, so a
 * relation missing from both lists is refused too).
 */
export const EXCLUDED_RELATIONS: Readonly<Record<string, string>> = {
  api_keys: 'hashes of the API keys',
  secrets: 'credentials of notification channels (webhook URLs and signing secrets, mail passwords)',
  alert_subscriptions:
    "each user's notification targets; read through GET /api/v1/subscriptions, which shows a user their own",
  alert_deliveries: 'delivery log of those subscriptions (same reason)',
  alert_dead_letters: 'undeliverable notifications of those subscriptions (same reason)',
  job_runs: 'server job log: its errors name server paths and internals (GET /api/v1/jobs/runs)',
  schema_migrations: 'warehouse bookkeeping',
  sql_models: 'warehouse bookkeeping',
  ledger_settings: 'read it as ledger_config',
  ledger_stock_state: 'incremental-refresh bookkeeping (ledger_stock holds the same postings)',
  ledger_memo_state: 'incremental-refresh bookkeeping (inventory_positions holds the same figures)',
  allocation_pipeline_mark: 'operations-pipeline bookkeeping',
  channel_connections:
    'how each sales channel is reached (shops, endpoints, location mappings); read through GET /api/v1/channels',
  channel_sync_state: 'outbound-sync bookkeeping (channel_publications holds what was published)',
  channel_sync_status:
    'outbound-sync bookkeeping: its errors name channel endpoints (GET /api/v1/channels/status)',
  channel_items: "outbound-sync bookkeeping: each channel's own ids for our skus",
  business_clock_mark: "a cache of the business clock's watermark: read business_clock",
};

/**
 * Tables no analyst plan may scan, by whatever route (a view, a macro): checked on DuckDB's logical
 * plan, as a second line behind the allow-list.
 */
export const NEVER_SCANNED: ReadonlySet<string> = new Set(['api_keys', 'secrets']);

/** Table functions (and table macros) allowed in FROM, with what they are for. */
export const ALLOWED_TABLE_FUNCTIONS: Readonly<Record<string, string>> = {
  range: 'a series of numbers or timestamps',
  generate_series: 'a series of numbers or timestamps (end included)',
  unnest: 'the elements of a list as rows',
  json_each: 'the top-level elements of a JSON value as rows',
  json_tree: 'every element of a JSON value as rows',
  inventory_positions_as_of: 'inventory_positions as of a past instant (a ledger read model)',
};

/**
 * Built-in functions analysts may not call, and why. Everything else built into DuckDB's `main`
 * schema is listed in src/sandbox/functions.ts; the table functions not listed above (read_csv,
 * read_blob, read_text, read_parquet, read_json, glob, query, query_table, duckdb_*, pragma_*,
 * json_execute_serialized_sql, sniff_csv, …) and the `pg_catalog` compatibility macros are refused
 * as well.
 */
export const DENIED_FUNCTIONS: Readonly<Record<string, string>> = {
  current_setting: 'reads server settings (paths, limits)',
  getvariable: 'reads connection variables',
  current_query: 'connection introspection',
  current_query_id: 'connection introspection',
  current_connection_id: 'connection introspection',
  current_transaction_id: 'connection introspection',
  txid_current: 'connection introspection',
  current_database: 'catalog introspection (the warehouse file name)',
  current_schema: 'catalog introspection',
  current_schemas: 'catalog introspection',
  current_catalog: 'catalog introspection',
  in_search_path: 'catalog introspection',
  current_role: 'catalog introspection',
  current_user: 'catalog introspection',
  session_user: 'catalog introspection',
  user: 'catalog introspection',
  version: 'server fingerprinting',
  get_block_size: 'storage introspection',
  nextval: 'advances a sequence',
  currval: 'sequence state',
  sleep_ms: 'holds a thread without doing work',
  write_log: "writes to DuckDB's log",
  parse_duckdb_log_message: "DuckDB's log",
  json_serialize_plan: 'plans a query given as text, around the allow-list',
};

/**
 * Names DuckDB accepts without parentheses and binds to the functions above when no column has the
 * name (`SELECT current_schema`): refused as bare column references too.
 */
export const DENIED_VALUE_KEYWORDS: ReadonlySet<string> = new Set([
  'current_catalog',
  'current_schema',
  'current_role',
  'current_user',
  'session_user',
  'user',
]);

/** Functions the parser produces that duckdb_functions() does not list as scalar. */
export const SPECIAL_SCALAR_FUNCTIONS: ReadonlySet<string> = new Set(['unnest']);

export const ALLOWED_RELATION_NAMES: ReadonlySet<string> = new Set(
  ALLOWED_RELATIONS.map((relation) => relation.name),
);
