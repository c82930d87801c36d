import * as z from 'zod';
import { toJsonValue } from '../../format/rows.ts';
import { sandboxCatalog } from '../../sandbox/catalog.ts';
import { formatBytes } from '../../sandbox/results.ts';
import { AnalystQueryError } from '../../warehouse/query.ts';
import type { ApiContext } from '../context.ts';
import { MEDIA_TYPES, RESULT_FORMATS, toArrow, toCsv } from '../formats.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';

export function registerSql(api: ApiRouter, ctx: ApiContext, maxRows: number): void {
  const maxBytes = formatBytes(ctx.sandbox.maxResultBytes);
  api.route({
    method: 'post',
    path: '/sql',
    tag: 'analytics',
    summary: 'Run one read-only SQL query (DuckDB dialect) over the read models',
    description:
      'Exactly one SELECT (or WITH … SELECT, FROM …, VALUES, DESCRIBE/SUMMARIZE of a query, EXPLAIN [ANALYZE] of one) ' +
      'over the relations, table functions and functions of the sandbox allow-list (GET /sql/relations; ' +
      'docs/api.md "Analyst SQL sandbox"). Anything else is refused with 400 statement_refused: other ' +
      'relations (api_keys, secrets, …), file-reading and catalog table functions, DDL, DML, COPY, ATTACH, ' +
      'INSTALL/LOAD, SET, PRAGMA, CALL, several statements. ' +
      `Results are cut at max_rows (at most ${maxRows}; truncated says so); a result over ${maxBytes} ` +
      '(as JSON) is refused with 400 result_too_large, and the query is stopped at the time limit ' +
      '(400 query_timeout), planning included. format: json (default), csv or arrow (Arrow IPC stream).',
    permission: 'sql:query',
    body: z.strictObject({
      sql: z.string().min(1).max(100_000).describe('one read statement'),
      format: z.enum(RESULT_FORMATS).default('json'),
      max_rows: z.number().int().min(1).max(maxRows).optional(),
    }),
    response: z.object({
      columns: z.array(z.object({ name: z.string(), type: z.string() })),
      rows: z.array(z.record(z.string(), z.unknown())),
      row_count: z.number().int(),
      truncated: z.boolean(),
    }),
    alsoProduces: [MEDIA_TYPES.csv, MEDIA_TYPES.arrow],
    errors: [415, 503],
    async handler({ body, res }) {
      let result: Awaited<ReturnType<typeof ctx.sandbox.run>>;
      try {
        result = await ctx.sandbox.run(body.sql, body.max_rows);
      } catch (error) {
        if (error instanceof AnalystQueryError) throw sqlProblem(error);
        throw error;
      }
      res.setHeader('X-Row-Count', String(result.rows.length));
      res.setHeader('X-Truncated', String(result.truncated));
      if (body.format === 'csv') {
        res.type(MEDIA_TYPES.csv).send(toCsv(result));
        return undefined;
      }
      if (body.format === 'arrow') {
        res.type(MEDIA_TYPES.arrow).send(Buffer.from(toArrow(result)));
        return undefined;
      }
      return {
        columns: result.columns.map((name, index) => ({ name, type: result.types[index]!.toString() })),
        rows: result.rows.map((row) => toJsonValue(row)),
        row_count: result.rows.length,
        truncated: result.truncated,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/sql/relations',
    tag: 'analytics',
    summary: 'What POST /sql may read: the allowed relations present, their columns, table functions, limits',
    permission: 'sql:query',
    response: z.object({
      relations: z.array(
        z.object({
          name: z.string(),
          group: z.string(),
          kind: z.enum(['table', 'view']),
          columns: z.array(z.object({ name: z.string(), type: z.string() })),
        }),
      ),
      table_functions: z.array(z.object({ name: z.string(), description: z.string() })),
      limits: z.object({
        max_rows: z.number().int(),
        max_result_bytes: z.number().int(),
        timeout_ms: z.number().int(),
      }),
    }),
    async handler() {
      const relations = await ctx.readers.use((reader) => sandboxCatalog((sql) => reader.all(sql, {})));
      return {
        ...relations,
        limits: {
          max_rows: maxRows,
          max_result_bytes: ctx.sandbox.maxResultBytes,
          timeout_ms: ctx.sandbox.timeoutMs,
        },
      };
    },
  });
}

function sqlProblem(error: AnalystQueryError): HttpError {
  switch (error.kind) {
    case 'refused':
      return new HttpError(400, 'statement_refused', error.message);
    case 'timeout':
      return new HttpError(400, 'query_timeout', error.message);
    case 'too_large':
      return new HttpError(400, 'result_too_large', error.message);
    case 'busy':
      return new HttpError(503, 'sandbox_busy', error.message, { headers: { 'Retry-After': '1' } });
    default:
      return new HttpError(400, 'query_failed', error.message);
  }
}
