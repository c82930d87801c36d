import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../../src/dashboards/datasets.ts';
import { querySql } from '../../../src/dashboards/snapshot.ts';
import { ensureReadModels } from '../../../src/replenishment/sql.ts';
import { ALLOWED_RELATIONS, ALLOWED_TABLE_FUNCTIONS } from '../../../src/sandbox/allow-list.ts';
import { SqlGuard } from '../../../src/sandbox/guard.ts';
import { AnalystQueryError } from '../../../src/warehouse/query.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

/**
 * SqlGuard on a real, migrated warehouse (in memory: its catalog is named `memory`), without a server:
 * what the allow-list lets through and what it refuses, statement by statement. The API and the CLI run
 * every query through this guard (test/integration/sql-sandbox.test.ts checks it end to end).
 */
let warehouse: Warehouse;
let connection: DuckDBConnection;
let guard: SqlGuard;

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await ensureReadModels(warehouse);
  // A relation that is in no list (as a later migration would add), and a view over the keys.
  await warehouse.run('CREATE TABLE later_table AS SELECT 1 AS x');
  await warehouse.run('CREATE VIEW key_view AS SELECT * FROM api_keys');
  connection = await warehouse.connect();
  await connection.run("SET explain_output = 'all'");
  guard = await SqlGuard.create(connection);
}, 60_000);
afterAll(async () => {
  connection?.closeSync();
  await warehouse?.close();
});

async function verdict(sql: string): Promise<{ kind: string; message: string }> {
  try {
    const statement = await guard.prepare(connection, sql);
    statement.destroySync();
    return { kind: 'allowed', message: '' };
  } catch (error) {
    if (error instanceof AnalystQueryError) return { kind: error.kind, message: error.message };
    throw error;
  }
}

const ALLOWED: string[] = [
  'SELECT type, count(*) AS n FROM events GROUP BY ALL',
  'select * from EVENTS limit 1',
  'SELECT * FROM "Events" LIMIT 1',
  'SELECT * FROM main.events LIMIT 1',
  'SELECT * FROM "main"."inventory_positions" LIMIT 1',
  'SELECT * FROM memory.main.events LIMIT 1',
  'SELECT * FROM memory.events LIMIT 1',
  'FROM stg_items LIMIT 3',
  'VALUES (1, 2), (3, 4)',
  'WITH e AS (SELECT * FROM events) SELECT count(*) FROM e',
  'WITH events AS (SELECT 1 AS x) SELECT * FROM events',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) FROM r',
  'SELECT * FROM events WHERE event_id IN (SELECT event_id FROM rejected_events)',
  'SELECT (SELECT count(*) FROM exceptions) AS open_exceptions',
  'SELECT * FROM events e JOIN stg_nodes n ON n.node_id = e.payload->>$$node_id$$ LIMIT 1',
  'SELECT * FROM range(10) t(i)',
  'SELECT * FROM generate_series(1, 3)',
  'SELECT * FROM unnest([1, 2, 3])',
  `SELECT * FROM json_each('{"a": 1}')`,
  `SELECT * FROM json_tree('{"a": [1, 2]}')`,
  `SELECT * FROM inventory_positions_as_of(TIMESTAMPTZ '2025-01-01 00:00:00+00')`,
  'SELECT unnest([1, 2]), upper(type), lower(type), length(event_id), coalesce(source, $$x$$) FROM events',
  'SELECT row_number() OVER (ORDER BY seq), lag(seq) OVER (ORDER BY seq) FROM events',
  'SELECT list_transform([1, 2], x -> x + 1), list_reduce([1, 2], (a, b) -> a + b)',
  'SELECT date_trunc($$day$$, occurred_at)::DATE AS day, sum((payload->>$$qty$$)::INT) FROM events GROUP BY 1',
  'SELECT current_date, current_timestamp, now(), today()',
  'SELECT CAST(1.5 AS DECIMAL(10, 2)), TRY_CAST($$x$$ AS INTEGER), $$a$$ LIKE $$b$$, $$a$$ SIMILAR TO $$b$$',
  'SELECT * FROM events PIVOT (count(*) FOR type IN ($$receipt$$, $$pos_sale$$))',
  'SELECT COLUMNS($$.*_id$$) FROM events LIMIT 1',
  'DESCRIBE events',
  'DESCRIBE SELECT 1 AS x',
  'SUMMARIZE stg_items',
  'SELECT * FROM events TABLESAMPLE 10%',
  'EXPLAIN SELECT * FROM events',
  'explain analyze SELECT count(*) FROM events',
  'EXPLAIN /* a plan */ ANALYSE SELECT 1',
  '-- leading comment\nSELECT 1',
  'SELECT 1 -- ; DROP TABLE event_log',
  'SELECT 1;',
  'SELECT main.upper($$x$$), system.main.lower($$Y$$)',
];

/** Refused: [statement, what the message must say]. */
const REFUSED: [string, RegExp][] = [
  // forbidden relations, however written
  ['SELECT * FROM api_keys', /relation api_keys cannot be read/],
  ['SELECT * FROM API_KEYS', /relation API_KEYS cannot be read/],
  ['SELECT * FROM "API_KEYS"', /relation API_KEYS cannot be read/],
  ['SELECT * FROM "api_keys"', /relation api_keys cannot be read/],
  ['SELECT * FROM "main"."api_keys"', /relation main\.api_keys cannot be read/],
  ['SELECT * FROM memory.main.api_keys', /relation memory\.main\.api_keys cannot be read/],
  ['SELECT * FROM memory.api_keys', /relation memory\.api_keys cannot be read/],
  ['SELECT key_hash FROM api_keys WHERE key_hash LIKE $$a%$$', /api_keys/],
  ['SELECT count(*) FROM secrets', /relation secrets cannot be read/],
  ['SELECT * FROM events WHERE EXISTS (SELECT 1 FROM api_keys)', /api_keys/],
  ['SELECT (SELECT max(key_hash) FROM api_keys)', /api_keys/],
  ['SELECT * FROM events, LATERAL (SELECT * FROM api_keys) k', /api_keys/],
  ['SELECT * FROM events UNION ALL BY NAME SELECT * FROM api_keys', /api_keys/],
  ['SELECT * FROM (SELECT name, role FROM api_keys) AS k', /api_keys/],
  ['WITH k AS (SELECT * FROM api_keys) SELECT count(*) FROM k', /api_keys/],
  ['WITH api_keys AS (SELECT * FROM api_keys) SELECT * FROM api_keys', /CTE name api_keys/],
  ['WITH job_runs AS (SELECT 1) SELECT * FROM job_runs', /CTE name job_runs/],
  ['SELECT * FROM key_view', /relation key_view cannot be read/],
  ['SELECT * FROM later_table', /relation later_table cannot be read/],
  ['SELECT spec FROM alert_subscriptions', /relation alert_subscriptions/],
  ['SELECT * FROM job_runs', /relation job_runs/],
  ['SELECT * FROM allocation_pipeline_mark', /relation allocation_pipeline_mark/],
  ['SELECT * FROM schema_migrations', /relation schema_migrations/],
  ['SELECT * FROM аpi_keys', /relation аpi_keys cannot be read/], // Cyrillic а
  ['SELECT * FROM "evеnts"', /relation evеnts cannot be read/], // Cyrillic е in an allowed name
  // the catalog and other catalogs
  ['SELECT * FROM information_schema.tables', /information_schema\.tables/],
  ['SELECT * FROM information_schema.columns', /information_schema\.columns/],
  ['SELECT * FROM pg_catalog.pg_tables', /pg_catalog\.pg_tables/],
  ['SELECT * FROM duckdb_tables', /relation duckdb_tables/],
  ['SELECT * FROM sqlite_master', /relation sqlite_master/],
  ['SELECT * FROM system.main.events', /system\.main\.events/],
  ['SELECT * FROM temp.main.events', /temp\.main\.events/],
  ['SHOW TABLES', /SHOW and DESCRIBE of the catalog/],
  ['SHOW ALL TABLES', /SHOW and DESCRIBE of the catalog/],
  ['DESCRIBE', /SHOW and DESCRIBE of the catalog/],
  ['DESCRIBE api_keys', /api_keys/],
  ['SUMMARIZE api_keys', /api_keys/],
  ['SHOW api_keys', /api_keys/],
  // table functions, in FROM and as scalars
  ["SELECT * FROM read_blob('warehouse.duckdb')", /table function read_blob/],
  ["SELECT * FROM read_text('/etc/passwd')", /table function read_text/],
  ["SELECT * FROM read_csv('/etc/passwd')", /table function read_csv/],
  ["SELECT * FROM read_csv_auto('/etc/passwd')", /table function read_csv_auto/],
  ["SELECT * FROM read_parquet('/tmp/*.parquet')", /table function read_parquet/],
  ["SELECT * FROM read_json_auto('/etc/os-release')", /table function read_json_auto/],
  ["SELECT * FROM glob('/etc/*')", /table function glob/],
  ["SELECT * FROM sniff_csv('/etc/passwd')", /table function sniff_csv/],
  ['SELECT * FROM duckdb_settings()', /table function duckdb_settings/],
  ['SELECT * FROM duckdb_databases()', /table function duckdb_databases/],
  ['SELECT * FROM duckdb_tables()', /table function duckdb_tables/],
  ['SELECT * FROM duckdb_columns()', /table function duckdb_columns/],
  ['SELECT * FROM duckdb_extensions()', /table function duckdb_extensions/],
  ['SELECT * FROM duckdb_temporary_files()', /table function duckdb_temporary_files/],
  ['SELECT * FROM system.main.duckdb_settings()', /duckdb_settings/],
  ["SELECT * FROM pragma_storage_info('api_keys')", /table function pragma_storage_info/],
  ["SELECT * FROM pragma_table_info('api_keys')", /table function pragma_table_info/],
  ['SELECT * FROM pragma_database_size()', /table function pragma_database_size/],
  ["SELECT * FROM query('SELECT * FROM api_keys')", /table function query/],
  ["SELECT * FROM query_table('api_keys')", /table function query_table/],
  [
    "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM api_keys'))",
    /table function json_execute_serialized_sql/,
  ],
  ['SELECT * FROM events, duckdb_settings()', /duckdb_settings/],
  ['SELECT (SELECT count(*) FROM duckdb_settings())', /duckdb_settings/],
  ["SELECT read_blob('warehouse.duckdb')", /function read_blob is not in the sandbox's allow-list/],
  ["SELECT read_text('/etc/passwd')", /function read_text/],
  ['SELECT duckdb_settings()', /function duckdb_settings/],
  ['SELECT * FROM histogram_values(events, seq)', /table function histogram_values/],
  // replacement scans: a file name as a table
  ["SELECT * FROM '/etc/passwd'", /relation \/etc\/passwd cannot be read/],
  ["SELECT * FROM 'warehouse.duckdb'", /relation warehouse\.duckdb/],
  ['SELECT * FROM "other.duckdb"', /relation other\.duckdb/],
  ["FROM 'data.parquet'", /data\.parquet/],
  // functions
  ["SELECT current_setting('temp_directory')", /function current_setting is not allowed/],
  ["SELECT current_setting('home_directory') FROM events", /current_setting/],
  ["SELECT nextval('reject_id_seq')", /function nextval is not allowed/],
  ['SELECT current_database()', /current_database/],
  ['SELECT version()', /function version/],
  ['SELECT current_schema', /current_schema is not allowed/],
  ['SELECT user', /user is not allowed/],
  ["SELECT getvariable('x')", /getvariable/],
  ['SELECT sleep_ms(100000)', /sleep_ms/],
  ["SELECT json_serialize_plan('SELECT * FROM api_keys')", /json_serialize_plan/],
  ['SELECT pg_get_viewdef(1)', /pg_get_viewdef/],
  ["SELECT pg_catalog.upper('x')", /pg_catalog\.upper/],
  ["SELECT has_table_privilege('api_keys', 'select')", /has_table_privilege/],
  ['SELECT get_block_size($$memory$$)', /get_block_size/],
  ['SELECT * FROM events WHERE current_setting($$threads$$) IS NOT NULL', /current_setting/],
  ["SELECT 1 FROM events WHERE type = (SELECT current_setting('temp_directory'))", /current_setting/],
];

/** Not read queries at all (any statement type but SELECT is refused before it is bound). */
const NOT_READS = [
  'DROP TABLE event_log',
  'DELETE FROM event_log',
  "UPDATE rejected_events SET status = 'resolved'",
  'INSERT INTO event_log SELECT * FROM event_log',
  'CREATE TEMP TABLE t AS SELECT 1',
  'CREATE MACRO evil() AS (SELECT count(*) FROM api_keys)',
  "COPY event_log TO '/tmp/stolen.csv'",
  "COPY (SELECT * FROM events) TO '/tmp/stolen.parquet' (FORMAT parquet)",
  "ATTACH '/tmp/evil.duckdb' AS evil",
  "ATTACH 'warehouse.duckdb' AS again (READ_ONLY)",
  'DETACH memory',
  'USE memory',
  'INSTALL httpfs',
  'LOAD httpfs',
  'SET threads = 1',
  "SET GLOBAL TimeZone = 'UTC'",
  'RESET threads',
  'PRAGMA version',
  "PRAGMA storage_info('api_keys')",
  "PRAGMA table_info('api_keys')",
  'PRAGMA database_list',
  'CALL pragma_version()',
  "CALL pragma_storage_info('api_keys')",
  'CHECKPOINT',
  'VACUUM',
  'BEGIN TRANSACTION',
  'EXPORT DATABASE $$/tmp/x$$',
  'PREPARE p AS SELECT * FROM api_keys',
  'EXECUTE p',
  'SET VARIABLE x = 1',
  '/* SELECT */ DELETE FROM event_log',
  '-- SELECT\nDROP VIEW events',
  'PIVOT events ON type',
  'WITH gone AS (DELETE FROM event_log RETURNING *) SELECT count(*) FROM gone',
  'EXPLAIN DELETE FROM event_log',
  'EXPLAIN ANALYZE DELETE FROM event_log',
  'EXPLAIN ANALYZE COPY event_log TO $$/tmp/x.csv$$',
];

describe('SqlGuard: the allow-list on DuckDB’s parse tree and plan', () => {
  it.each(ALLOWED)('allows %s', async (sql) => {
    expect(await verdict(sql)).toEqual({ kind: 'allowed', message: '' });
  });

  it.each(REFUSED)('refuses %s', async (sql, message) => {
    const result = await verdict(sql);
    expect(result.kind).toBe('refused');
    expect(result.message).toMatch(message);
  });

  it.each(NOT_READS)('refuses the non-read statement %s', async (sql) => {
    const result = await verdict(sql);
    expect(['refused', 'failed'], result.message).toContain(result.kind);
    if (result.kind === 'refused') expect(result.message).toMatch(/Only read queries|Only one statement/);
  });

  it('refuses several statements, however they are hidden', async () => {
    for (const sql of [
      'SELECT 1; SELECT 2',
      'SELECT 1; DROP TABLE event_log',
      'SELECT 1 /* ; */ ; SELECT * FROM api_keys',
      "SELECT ';'; SELECT 2",
    ]) {
      expect(await verdict(sql), sql).toEqual({
        kind: 'refused',
        message: 'Only one statement per query is allowed here.',
      });
    }
  });

  it('EXPLAIN and EXPLAIN ANALYZE check the query they explain: no row counts over a forbidden table', async () => {
    for (const sql of [
      "EXPLAIN ANALYZE SELECT * FROM api_keys WHERE key_hash LIKE 'a%'",
      "explain analyze select count(*) from API_KEYS where key_hash < '8'",
      'EXPLAIN SELECT * FROM api_keys',
      'EXPLAIN /* hide */ ANALYZE -- more\n SELECT * FROM main.api_keys',
      'EXPLAIN ANALYZE WITH k AS (SELECT * FROM api_keys) SELECT count(*) FROM k',
      'EXPLAIN ANALYZE SELECT * FROM events WHERE EXISTS (SELECT 1 FROM api_keys)',
      'EXPLAIN ANALYZE SELECT * FROM read_blob($$warehouse.duckdb$$)',
    ]) {
      const result = await verdict(sql);
      expect(result.kind, sql).toBe('refused');
      expect(result.message, sql).toMatch(/api_keys|read_blob/i);
    }
    expect((await verdict('EXPLAIN (FORMAT json) SELECT 1')).message).toMatch(/EXPLAIN options/);
    expect((await verdict('EXPLAIN (SELECT * FROM api_keys)')).kind).toBe('refused');
  });

  it('every allowed relation present and every allowed table function passes', async () => {
    const present = new Set(
      (
        await warehouse.all<{ name: string }>(
          'SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()',
        )
      ).map((row) => row.name),
    );
    for (const relation of ALLOWED_RELATIONS) {
      if (!present.has(relation.name)) {
        expect(relation.optional, `${relation.name} is missing from a fresh warehouse`).toBeDefined();
        continue;
      }
      expect(await verdict(`SELECT * FROM ${relation.name} LIMIT 1`), relation.name).toEqual({
        kind: 'allowed',
        message: '',
      });
    }
    const calls: Record<string, string> = {
      range: 'range(3)',
      generate_series: 'generate_series(1, 3)',
      unnest: 'unnest([1])',
      json_each: `json_each('[1]')`,
      json_tree: `json_tree('[1]')`,
      inventory_positions_as_of: 'inventory_positions_as_of(now())',
    };
    expect(Object.keys(calls).sort()).toEqual(Object.keys(ALLOWED_TABLE_FUNCTIONS).sort());
    for (const call of Object.values(calls)) {
      expect((await verdict(`SELECT * FROM ${call}`)).kind, call).toBe('allowed');
    }
  });

  it('passes every dashboard query, so `dashboards build --api` works with an analyst key', async () => {
    for (const dataset of DATASETS) {
      if (dataset.source.kind !== 'query') continue;
      for (const candidate of [
        dataset.source,
        ...(dataset.source.fallback ? [dataset.source.fallback] : []),
      ]) {
        const result = await verdict(querySql(candidate.query));
        expect(result, candidate.query).toEqual({ kind: 'allowed', message: '' });
      }
    }
  });
});

describe('SqlGuard: the plan check behind the parse tree', () => {
  let other: Warehouse;
  let otherConnection: DuckDBConnection;
  let otherGuard: SqlGuard;

  beforeAll(async () => {
    // An allowed name that leads somewhere forbidden: a view and a table macro redefined over the keys and
    // the secrets, a view over a catalog table function. The parse tree looks innocent; the plan is not.
    other = await Warehouse.open(':memory:');
    await other.run('CREATE OR REPLACE VIEW stg_lanes AS SELECT key_id, key_hash FROM api_keys');
    await other.run('CREATE OR REPLACE VIEW stg_suppliers AS SELECT * FROM duckdb_settings()');
    await other.run(
      'CREATE OR REPLACE MACRO inventory_positions_as_of(as_of) AS TABLE SELECT * FROM secrets',
    );
    otherConnection = await other.connect();
    await otherConnection.run("SET explain_output = 'all'");
    otherGuard = await SqlGuard.create(otherConnection);
  }, 60_000);
  afterAll(async () => {
    otherConnection?.closeSync();
    await other?.close();
  });

  const refusal = async (sql: string) => {
    try {
      (await otherGuard.prepare(otherConnection, sql)).destroySync();
      return 'allowed';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('refuses a scan of a key or secret table through an allowed view or macro, even for count(*)', async () => {
    expect(await refusal('SELECT * FROM stg_lanes')).toMatch(/table api_keys cannot be read.*through a view/);
    expect(await refusal('SELECT count(*) FROM stg_lanes')).toMatch(/api_keys/);
    expect(await refusal('EXPLAIN ANALYZE SELECT count(*) FROM stg_lanes')).toMatch(/api_keys/);
    expect(await refusal('SELECT * FROM inventory_positions_as_of(now())')).toMatch(/table secrets/);
  });

  it('refuses a table function reached through an allowed view', async () => {
    expect(await refusal('SELECT * FROM stg_suppliers')).toMatch(/table function duckdb_settings/);
  });
});
