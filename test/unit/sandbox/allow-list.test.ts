import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ensureReadModels } from '../../../src/replenishment/sql.ts';
import {
  ALLOWED_RELATION_NAMES,
  ALLOWED_RELATIONS,
  ALLOWED_TABLE_FUNCTIONS,
  DENIED_FUNCTIONS,
  EXCLUDED_RELATIONS,
  NEVER_SCANNED,
} from '../../../src/sandbox/allow-list.ts';
import { DOCS_FILE, withAllowList } from '../../../src/sandbox/docs.ts';
import { splitExplain } from '../../../src/sandbox/explain.ts';
import { ALLOWED_FUNCTIONS } from '../../../src/sandbox/functions.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

describe('the sandbox allow-list', () => {
  it('classifies every built-in function of this DuckDB: allowed, denied with a reason, or internal', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT DISTINCT function_name AS name FROM duckdb_functions()
         WHERE schema_name = 'main' AND internal AND function_type IN ('scalar', 'aggregate', 'macro')`,
      );
      const builtIn = new Set(reader.getRowObjectsJS().map((row) => String(row.name)));
      const unclassified = [...builtIn].filter(
        (name) =>
          !ALLOWED_FUNCTIONS.has(name) && !(name in DENIED_FUNCTIONS) && !name.startsWith('__internal'),
      );
      // A DuckDB upgrade that adds functions lands here: list each in src/sandbox/functions.ts or deny it.
      expect(unclassified, 'classify these in src/sandbox/functions.ts or allow-list.ts').toEqual([]);
      expect([...ALLOWED_FUNCTIONS].filter((name) => !builtIn.has(name))).toEqual([]);
      expect(Object.keys(DENIED_FUNCTIONS).filter((name) => ALLOWED_FUNCTIONS.has(name))).toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('classifies every relation of a fresh warehouse: allowed, or left out with a reason', async () => {
    const warehouse = await Warehouse.open(':memory:');
    try {
      await ensureReadModels(warehouse);
      const names = (
        await warehouse.all<{ name: string }>(
          `SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary
           UNION SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary`,
        )
      ).map((row) => row.name);
      // A migration that adds a relation lands here: decide in src/sandbox/allow-list.ts.
      expect(
        names.filter((name) => !ALLOWED_RELATION_NAMES.has(name) && !(name in EXCLUDED_RELATIONS)),
        'allow these in src/sandbox/allow-list.ts or leave them out there, with a reason',
      ).toEqual([]);
      const present = new Set(names);
      expect(
        ALLOWED_RELATIONS.filter((relation) => !present.has(relation.name) && !relation.optional).map(
          (relation) => relation.name,
        ),
      ).toEqual([]);
      const macros = await warehouse.all<{ name: string }>(
        `SELECT function_name AS name FROM duckdb_functions() WHERE NOT internal AND function_type = 'table_macro'`,
      );
      for (const { name } of macros) expect(Object.hasOwn(ALLOWED_TABLE_FUNCTIONS, name), name).toBe(true);
    } finally {
      await warehouse.close();
    }
  }, 60_000);

  it('keeps allowed and left-out relations apart, and never allows what no plan may scan', () => {
    expect(Object.keys(EXCLUDED_RELATIONS).filter((name) => ALLOWED_RELATION_NAMES.has(name))).toEqual([]);
    for (const name of NEVER_SCANNED) {
      expect(ALLOWED_RELATION_NAMES.has(name)).toBe(false);
      expect(EXCLUDED_RELATIONS[name]).toBeDefined();
    }
    expect(ALLOWED_RELATION_NAMES.size).toBe(ALLOWED_RELATIONS.length);
  });

  it('is documented in docs/api.md as generated from the code', () => {
    const doc = fs.readFileSync(DOCS_FILE, 'utf8');
    // Stale? Run: node --import tsx src/sandbox/docs.ts
    expect(withAllowList(doc) === doc, 'docs/api.md: run node --import tsx src/sandbox/docs.ts').toBe(true);
    for (const relation of ALLOWED_RELATIONS) expect(doc).toContain(`\`${relation.name}\``);
  });
});

describe('splitExplain: the query inside EXPLAIN [ANALYZE]', () => {
  it.each([
    ['EXPLAIN SELECT 1', { analyze: false, query: 'SELECT 1', hasOptions: false }],
    ['explain analyze SELECT 1', { analyze: true, query: 'SELECT 1', hasOptions: false }],
    ['  Explain\n\tAnalyse\nSELECT 1', { analyze: true, query: 'SELECT 1', hasOptions: false }],
    [
      '/* c */ EXPLAIN /* d */ ANALYZE -- e\nSELECT 1',
      { analyze: true, query: 'SELECT 1', hasOptions: false },
    ],
    [
      '/* a /* nested */ comment */EXPLAIN SELECT 2',
      { analyze: false, query: 'SELECT 2', hasOptions: false },
    ],
    ['-- EXPLAIN\nEXPLAIN ANALYZE FROM events', { analyze: true, query: 'FROM events', hasOptions: false }],
    ['EXPLAIN (FORMAT json) SELECT 1', { analyze: false, query: '(FORMAT json) SELECT 1', hasOptions: true }],
    ['EXPLAIN ANALYZE (SELECT 1)', { analyze: true, query: '(SELECT 1)', hasOptions: true }],
    ['EXPLAIN analyzer', { analyze: false, query: 'analyzer', hasOptions: false }],
  ])('%s', (sql, expected) => {
    expect(splitExplain(sql)).toEqual(expected);
  });

  it('is undefined for anything that does not start with EXPLAIN', () => {
    for (const sql of [
      'SELECT 1',
      '/* EXPLAIN */ SELECT 1',
      '-- EXPLAIN\nSELECT 1',
      'EXPLAINED',
      'WITH explain AS (SELECT 1) SELECT 1',
    ]) {
      expect(splitExplain(sql), sql).toBeUndefined();
    }
  });
});
