import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemFor } from '../../../src/api/error-status.ts';
import { HttpError } from '../../../src/api/problem.ts';
import { exitCodeOf } from '../../../src/cli/exit-codes.ts';
import { missingRelation, UserError } from '../../../src/warehouse/errors.ts';
import { WorkflowError } from '../../../src/workflow/errors.ts';

/** Real DuckDB errors, so the one check follows DuckDB's wording rather than a copy of it. */
async function duckdbError(sql: string): Promise<unknown> {
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } catch (error) {
    return error;
  } finally {
    connection.closeSync();
  }
  throw new Error(`expected ${sql} to fail`);
}

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE present (a INTEGER)');
  connection.closeSync();
});
afterAll(() => instance.closeSync());

describe('missingRelation: the one check for a relation or column this warehouse lacks', () => {
  it.each([
    ['SELECT * FROM absent_model', 'absent_model'],
    ['SELECT * FROM main.absent_view', 'absent_view'],
    ['SELECT * FROM read_absent()', 'read_absent'],
    ['SELECT b FROM present', undefined],
    ['SELECT absent.a FROM present', undefined],
  ])('%s → %s', async (sql, relation) => {
    expect(missingRelation(await duckdbError(sql))).toEqual({ relation });
  });

  it.each(["SELECT error('boom')", "SELECT CAST('x' AS INTEGER)", 'SELEC 1'])(
    'another error is not a missing relation: %s',
    async (sql) => {
      expect(missingRelation(await duckdbError(sql))).toBeUndefined();
    },
  );
});

describe('problemFor: errors to HTTP problems in one place', () => {
  it.each([
    ['invalid', 400, 'validation_failed'],
    ['not_found', 404, 'not_found'],
    ['conflict', 409, 'conflict'],
    ['forbidden', 403, 'forbidden'],
    ['unavailable', 503, 'unavailable'],
  ] as const)('a user error of category %s is %i %s', (category, status, code) => {
    const problem = problemFor(new UserError('what happened', category));
    expect(problem).toMatchObject({ status, code, detail: 'what happened' });
    expect(problem!.extra.headers?.['Retry-After'] !== undefined).toBe(status === 503);
  });

  it.each([
    ['not_found', 404, 'not_found'],
    ['invalid_transition', 409, 'invalid_transition'],
    ['forbidden', 403, 'forbidden'],
    ['invalid', 400, 'validation_failed'],
  ] as const)('a workflow refusal %s is %i %s', (kind, status, code) => {
    expect(problemFor(new WorkflowError(kind, 'refused'))).toMatchObject({ status, code });
  });

  it('a read over a relation the warehouse lacks is a 503 naming it, with Retry-After', async () => {
    const problem = problemFor(await duckdbError('SELECT * FROM mart_not_built'));
    expect(problem).toMatchObject({ status: 503, code: 'read_model_unavailable' });
    expect(problem!.detail).toContain('mart_not_built');
    expect(problem!.extra.headers).toEqual({ 'Retry-After': '60' });
  });

  it('an HttpError passes as it is; an unexpected error is left to the 500 handler', async () => {
    const given = new HttpError(418, 'teapot', 'short and stout');
    expect(problemFor(given)).toBe(given);
    expect(problemFor(new Error('bug'))).toBeUndefined();
    expect(problemFor(await duckdbError("SELECT CAST('x' AS INTEGER)"))).toBeUndefined();
  });
});

describe('exitCodeOf: the CLI exit codes in one place', () => {
  it.each([
    ['not_found', 1],
    ['invalid', 2],
    ['conflict', 2],
    ['forbidden', 2],
    ['unavailable', 3],
  ] as const)('%s exits %i', (category, code) => {
    expect(exitCodeOf(category)).toBe(code);
    expect(exitCodeOf(new UserError('x', category).category)).toBe(code);
  });

  it('a workflow refusal exits by its category', () => {
    expect(exitCodeOf(new WorkflowError('not_found', 'x').category)).toBe(1);
    expect(exitCodeOf(new WorkflowError('invalid_transition', 'x').category)).toBe(2);
  });
});
