import * as z from 'zod';
import { toJsonValue } from '../../cli/format.ts';
import { AnalystQueryError } from '../../warehouse/query.ts';
import type { ApiContext } from '../context.ts';
import { MEDIA_TYPES, RESULT_FORMATS, toArrow, toCsv } from '../formats.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';

export function registerSql(api: ApiRouter, ctx: ApiContext, maxRows: number): void {
  api.route({
    method: 'post',
    path: '/sql',
    tag: 'analytics',
    summary: 'Run one read-only SQL query (DuckDB dialect) over the read models',
    description:
      'Exactly one SELECT (or WITH … SELECT, EXPLAIN). Anything else is refused with 400 statement_refused: ' +
      'DDL, DML, COPY, ATTACH, INSTALL/LOAD, SET, PRAGMA, file-reading functions, several statements. ' +
      `Results are cut at max_rows (at most ${maxRows}; truncated says so) and the query is stopped at the ` +
      'time limit. format: json (default), csv or arrow (Arrow IPC stream).',
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
}

function sqlProblem(error: AnalystQueryError): HttpError {
  switch (error.kind) {
    case 'refused':
      return new HttpError(400, 'statement_refused', error.message);
    case 'timeout':
      return new HttpError(400, 'query_timeout', error.message);
    case 'busy':
      return new HttpError(503, 'sandbox_busy', error.message, { headers: { 'Retry-After': '1' } });
    default:
      return new HttpError(400, 'query_failed', error.message);
  }
}
