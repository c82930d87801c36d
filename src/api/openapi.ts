import * as z from 'zod';
import { rolesWith } from '../auth/roles.ts';
import { PROBLEM_TYPE_BASE } from './problem.ts';
import type { RouteSpec } from './route.ts';

type Json = Record<string, unknown>;

export const API_VERSION = '1.0.0';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', description: `${PROBLEM_TYPE_BASE}<code>` },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
        required: ['path', 'code', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail'],
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (malformed JSON, or a field that fails validation: see `errors`)',
  401: 'No API key, or not a valid one',
  403: 'The key’s role lacks the permission this operation needs',
  404: 'Not found',
  413: 'Body or batch larger than the configured limit',
  415: 'Body not sent as application/json',
  429: 'Rate limit of the key exceeded (see Retry-After)',
  500: 'Unexpected server error',
  503: 'Temporarily unavailable (read model not built yet, ingest queue full, shutting down)',
};

function problem(status: number): Json {
  return {
    description: ERROR_TEXT[status] ?? 'Error',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function parameters(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const doc = jsonSchema(schema, 'input');
    const required = new Set((doc.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((doc.properties as Record<string, Json>) ?? {})) {
      const { description, ...propertySchema } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description ? { description } : {}),
        schema: propertySchema,
      });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document of every registered route, generated from the same zod schemas that validate. */
export function openApiDocument(specs: readonly RouteSpec[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of specs) {
    const path = `/api/v1${spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`;
    const roles = rolesWith(spec.permission);
    const success: Json = {
      description: 'Success',
      content: Object.fromEntries([
        ['application/json', { schema: jsonSchema(spec.response, 'output') }],
        ...(spec.alsoProduces ?? []).map((type) => [type, {}]),
      ]),
    };
    const statuses = [400, 401, 403, 429, ...(spec.errors ?? []), 500];
    paths[path] ??= {};
    paths[path][spec.method] = {
      tags: [spec.tag],
      summary: spec.summary,
      description: `${spec.description ? `${spec.description}\n\n` : ''}Permission \`${spec.permission}\` (roles: ${roles.join(', ')}).`,
      operationId: `${spec.method}${spec.path.replace(/[/:]+([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      'x-permission': spec.permission,
      'x-roles': roles,
      parameters: parameters(spec),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: spec.bodyDoc ?? jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(spec.status ?? 200)]: success,
        ...Object.fromEntries(
          [...new Set(statuses)].sort().map((status) => [String(status), problem(status)]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'retailos API',
      version: API_VERSION,
      description:
        'Retail operations over one event log. Every operation needs an API key (`Authorization: Bearer rk_…`) ' +
        'except `GET /health`. Errors are RFC 9457 problem details with field paths.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'rk_<id>_<secret>' } },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
    paths,
  };
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A self-contained reference page (no scripts, no CDN) rendered from the OpenAPI document. */
export function referencePage(document: Json): string {
  const paths = document.paths as Record<string, Record<string, Json>>;
  const sections = Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const params = (operation.parameters as Json[]).map(
        (param) =>
          `<tr><td><code>${escapeHtml(String(param.name))}</code></td><td>${param.in}</td><td>${param.required ? 'yes' : ''}</td><td><code>${escapeHtml(JSON.stringify(param.schema))}</code></td></tr>`,
      );
      const body = operation.requestBody
        ? `<details><summary>request body</summary><pre>${escapeHtml(JSON.stringify((operation.requestBody as Json).content, null, 2))}</pre></details>`
        : '';
      const responses = Object.entries(operation.responses as Record<string, Json>)
        .map(([status, response]) => `<li><b>${status}</b> ${escapeHtml(String(response.description))}</li>`)
        .join('');
      return `<section><h2><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(String(operation.summary))}</p><p>${escapeHtml(String(operation.description))}</p>
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params.join('')}</table>` : ''}
${body}<ul>${responses}</ul></section>`;
    }),
  );
  const info = document.info as Json;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(String(info.title))}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f5f5f5;padding:.5rem;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4rem;color:#06c}section{border-top:1px solid #ddd;margin-top:1.5rem}</style></head>
<body><h1>${escapeHtml(String(info.title))} ${escapeHtml(String(info.version))}</h1><p>${escapeHtml(String(info.description))}</p>
<p>Machine-readable: <code>GET /api/v1/openapi.json</code>.</p>${sections.join('\n')}</body></html>
`;
}
