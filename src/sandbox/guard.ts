import { type DuckDBConnection, type DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { AnalystQueryError, messageOf } from '../warehouse/query.ts';
import { splitExplain } from './explain.ts';
import { checkPlan } from './plan.ts';
import { checkParseTree, foldName, type Violation } from './syntax.ts';

/** What the sandbox accepts, in the words its refusals use. */
export const READ_ONLY_MESSAGE =
  'Only read queries (SELECT, WITH … SELECT, FROM …, VALUES, DESCRIBE or SUMMARIZE of a query, EXPLAIN [ANALYZE] of one) are allowed here.';

/**
 * Decides whether an analyst's text may run, with DuckDB's own parser and binder, and prepares what
 * runs. In order, each step only on text the previous ones accepted:
 *
 * 1. exactly one statement (DuckDB's statement splitter);
 * 2. its parse tree (`json_serialize_sql`, which only serializes SELECTs — so PRAGMA, SET, CALL, COPY,
 *    ATTACH, INSTALL, DDL and DML are refused here, whatever their text looks like) names only allowed
 *    relations, table functions and functions (src/sandbox/allow-list.ts), and no CTE shadows a
 *    relation of the warehouse;
 * 3. its logical plan (unoptimized and optimized) scans no NEVER_SCANNED table and calls no other table
 *    function, whichever view or macro led there;
 * 4. the statement prepared is the checked one (for EXPLAIN [ANALYZE], rebuilt around the checked query).
 *
 * The caller runs all of it inside a read-only transaction and under its time limit: steps 3 and 4
 * plan the query, and planning folds constants.
 */
export class SqlGuard {
  private constructor(
    /** The catalog name DuckDB gave the warehouse (its file name without extension). */
    private readonly database: string,
    /** Every table function and table macro of the instance: a plan node with one of these names calls it. */
    private readonly tableFunctions: ReadonlySet<string>,
  ) {}

  /** Reads what the checks need from the instance (before any analyst text is seen). */
  static async create(connection: DuckDBConnection): Promise<SqlGuard> {
    const database = await connection.runAndReadAll('SELECT current_database() AS name');
    const functions = await connection.runAndReadAll(
      `SELECT DISTINCT function_name AS name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro')`,
    );
    return new SqlGuard(
      String(database.getRowObjectsJS()[0]!.name),
      new Set(functions.getRowObjectsJS().map((row) => foldName(String(row.name)))),
    );
  }

  /**
   * Checks `sql` and prepares it on `connection`. `stillWanted` is asked between steps: once the caller
   * has given up (its time limit passed), no further step starts.
   */
  async prepare(
    connection: DuckDBConnection,
    sql: string,
    stillWanted: () => void = () => {},
  ): Promise<DuckDBPreparedStatement> {
    if (sql.trim() === '') throw new AnalystQueryError('Empty query.', 'refused');
    const explain = splitExplain(sql);
    if (explain?.hasOptions) {
      throw new AnalystQueryError(
        'EXPLAIN options are not supported here: write EXPLAIN SELECT … or EXPLAIN ANALYZE SELECT …',
        'refused',
      );
    }
    const query = explain ? explain.query : sql;
    await this.checkText(connection, query);
    stillWanted();
    await this.checkPlanOf(connection, query);
    stillWanted();
    const text = explain ? `EXPLAIN ${explain.analyze ? 'ANALYZE ' : ''}${query}` : query;
    const statement = await connection.prepare(text).catch((error: unknown) => {
      throw new AnalystQueryError(`Query failed: ${messageOf(error)}`, 'failed');
    });
    const expected = explain ? StatementType.EXPLAIN : StatementType.SELECT;
    if (statement.statementType !== expected) {
      statement.destroySync();
      throw new AnalystQueryError(READ_ONLY_MESSAGE, 'refused');
    }
    return statement;
  }

  /** Steps 1 and 2: one statement, and a parse tree inside the allow-list. */
  private async checkText(connection: DuckDBConnection, query: string): Promise<void> {
    let count: number;
    try {
      count = (await connection.extractStatements(query)).count;
    } catch (error) {
      const message = messageOf(error).replace(/^Failed to extract statements: /, '');
      throw new AnalystQueryError(`Query failed: ${message}`, 'failed');
    }
    if (count === 0) throw new AnalystQueryError('Empty query.', 'refused');
    if (count > 1) throw new AnalystQueryError('Only one statement per query is allowed here.', 'refused');
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS tree', {
      sql: query,
    });
    const tree = JSON.parse(String(reader.getRowObjectsJS()[0]!.tree)) as {
      error?: boolean;
      error_message?: string;
      statements?: unknown[];
    };
    if (tree.error) {
      if (/only SELECT statements/i.test(tree.error_message ?? '')) {
        throw new AnalystQueryError(READ_ONLY_MESSAGE, 'refused');
      }
      throw new AnalystQueryError(
        `Query failed: ${tree.error_message ?? 'cannot parse the query'}`,
        'failed',
      );
    }
    if (tree.statements?.length !== 1) {
      throw new AnalystQueryError('Only one statement per query is allowed here.', 'refused');
    }
    const { violations, cteNames } = checkParseTree(tree.statements, { database: this.database });
    if (cteNames.size > 0) violations.push(...(await this.shadowing(connection, cteNames)));
    refuseIfAny(violations);
  }

  /** A CTE named like a relation of the warehouse: inside its own body that name is the relation. */
  private async shadowing(connection: DuckDBConnection, cteNames: Set<string>): Promise<Violation[]> {
    const reader = await connection.runAndReadAll(
      `SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()`,
    );
    const existing = new Set(reader.getRowObjectsJS().map((row) => foldName(String(row.name))));
    return [...cteNames]
      .filter((name) => existing.has(name))
      .map((name) => ({
        kind: 'cte' as const,
        name,
        message: `the CTE name ${name} is the name of a relation the sandbox does not allow: rename the CTE`,
      }));
  }

  /** Step 3: what DuckDB's binder planned. */
  private async checkPlanOf(connection: DuckDBConnection, query: string): Promise<void> {
    let explain: DuckDBPreparedStatement;
    try {
      explain = await connection.prepare(`EXPLAIN (FORMAT json) ${query}`);
    } catch (error) {
      throw new AnalystQueryError(`Query failed: ${messageOf(error)}`, 'failed');
    }
    try {
      if (explain.statementType !== StatementType.EXPLAIN) {
        throw new AnalystQueryError(READ_ONLY_MESSAGE, 'refused');
      }
      const reader = await explain.runAndReadAll().catch((error: unknown) => {
        throw new AnalystQueryError(`Query failed: ${messageOf(error)}`, 'failed');
      });
      const rows = reader.getRowObjectsJS().map((row) => String(row.explain_value));
      refuseIfAny(checkPlan(rows, this.tableFunctions));
    } finally {
      explain.destroySync();
    }
  }
}

function refuseIfAny(violations: Violation[]): void {
  if (violations.length === 0) return;
  const listed = violations.map((violation) => violation.message).join('; ');
  throw new AnalystQueryError(
    `Refused: ${listed}. See "Analyst SQL sandbox" in docs/api.md (or GET /api/v1/sql/relations) for what analysts may read.`,
    'refused',
  );
}
