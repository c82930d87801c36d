import { isUtf8 } from 'node:buffer';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import * as z from 'zod';
import type { Permission } from '../auth/roles.ts';
import { checkJsonLimits } from '../ingest/json-limits.ts';
import { requirePermission } from './auth.ts';
import { HttpError, validationError } from './problem.ts';

/** What a handler receives: the validated query, body and path parameters. */
export interface RouteInput<Q, B, P> {
  query: Q;
  body: B;
  params: P;
  req: Request;
  res: Response;
}

/**
 * One API operation: its path and method, the permission it needs, its zod
 * schemas (checked at the boundary and written into the OpenAPI document),
 * and a thin handler that calls a service. A handler returns the JSON body,
 * or `undefined` when it wrote the response itself.
 */
export interface RouteSpec<
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'delete';
  /** Express path below /api/v1 (`/keys/:key_id`). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  permission: Permission;
  query?: Q;
  body?: B;
  /**
   * Hand the body to the handler as JSON text, unparsed (POST /events parses and validates it, with
   * `body`, in a staging worker). Content type and size limits apply as for every body.
   */
  rawBody?: boolean;
  /** JSON Schema of the body for the document when the runtime schema is looser (POST /events). */
  bodyDoc?: Record<string, unknown>;
  params?: P;
  response: z.ZodType;
  /** Other success media types (`text/csv`, …) beside application/json. */
  alsoProduces?: string[];
  status?: number;
  /** Error statuses this route can answer beyond 400/401/403/429/500. */
  errors?: number[];
  handler: (input: RouteInput<z.output<Q>, z.output<B>, z.output<P>>) => Promise<unknown>;
}

/** A router of specs: registers each on express and keeps it for the OpenAPI document. */
export class ApiRouter {
  readonly router = Router();
  readonly specs: RouteSpec[] = [];

  constructor(
    /** Where the router is mounted (`/api/v1`): route labels in logs and metrics carry it. */
    private readonly prefix: string,
    private readonly jsonBody: RequestHandler[],
    private readonly textBody: RequestHandler[],
  ) {}

  /** Methods registered for a path below the prefix (`/orders/o-1/allocation`), upper case; [] if none. */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const spec of this.specs)
      if (pathPattern(spec.path).test(path)) methods.add(spec.method.toUpperCase());
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }

  route<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType>(spec: RouteSpec<Q, B, P>): void {
    this.specs.push(spec as unknown as RouteSpec);
    const label = `${this.prefix}${spec.path}`;
    const handlers: RequestHandler[] = [
      (_req, res, next) => {
        res.locals.route = label;
        next();
      },
      requirePermission(spec.permission),
    ];
    if (spec.body) {
      handlers.push(
        (req, _res, next) => {
          if (!req.is('application/json')) {
            throw new HttpError(
              415,
              'unsupported_media_type',
              `Send the body as application/json (got ${req.get('content-type') ?? 'no content type'}).`,
            );
          }
          next();
        },
        ...(spec.rawBody ? this.textBody : this.jsonBody),
      );
    }
    handlers.push(async (req, res) => {
      const query = parse('query', spec.query ?? EMPTY, req.query ?? {});
      const params = parse('params', spec.params ?? z.any(), req.params ?? {});
      const body = spec.body && !spec.rawBody ? parse('body', spec.body, req.body) : req.body;
      const result = await spec.handler({ query, params, body, req, res } as RouteInput<
        z.output<Q>,
        z.output<B>,
        z.output<P>
      >);
      if (result !== undefined && !res.headersSent) res.status(spec.status ?? 200).json(result);
    });
    this.router[spec.method](spec.path, ...handlers);
  }
}

const EMPTY = z.strictObject({});

const patterns = new Map<string, RegExp>();

/** An express path with `:name` segments as a regular expression (our routes use no other syntax). */
function pathPattern(path: string): RegExp {
  let pattern = patterns.get(path);
  if (!pattern) {
    const source = path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(path, pattern);
  }
  return pattern;
}

function parse<T extends z.ZodType>(where: string, schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

/**
 * Reads a JSON body as bytes, bounded (413 beyond `limitBytes`, counted after any Content-Encoding is
 * undone, so a small compressed bomb is refused as well), then checks it before anything parses it:
 * UTF-8 only (the JSON standard's encoding; invalid bytes are refused, never replaced by U+FFFD), and
 * within the JSON bounds (depth, string, number and container sizes). Then `req.body` is the parsed value,
 * or with `raw` the text, for routes that parse it elsewhere (POST /events, in a staging worker, which
 * checks the bounds itself so the server's event loop never scans a 16 MB body).
 */
export function jsonBodyParser(limitBytes: number, options: { raw?: boolean } = {}): RequestHandler[] {
  return [
    express.raw({ limit: limitBytes, type: 'application/json', inflate: true }),
    (req, _res, next) => {
      const bytes: unknown = req.body;
      if (!Buffer.isBuffer(bytes)) {
        req.body = undefined;
        return next();
      }
      const text = decodeJsonBytes(bytes, req.get('content-type'));
      if (options.raw) {
        req.body = text;
        return next();
      }
      if (text.trim() === '') {
        req.body = {};
        return next();
      }
      const tooComplex = checkJsonLimits(text);
      if (tooComplex) {
        throw new HttpError(
          400,
          'body_too_complex',
          `The body is beyond the bounds of this API: ${tooComplex.message}.`,
          {
            errors: [{ path: 'body', code: tooComplex.code, message: tooComplex.message }],
          },
        );
      }
      try {
        req.body = JSON.parse(text);
      } catch (error) {
        throw new HttpError(400, 'malformed_json', `The body is not valid JSON: ${(error as Error).message}`);
      }
      next();
    },
  ];
}

/** The body as text: refused (415) in a charset other than UTF-8, refused (400) when its bytes are not UTF-8. */
export function decodeJsonBytes(bytes: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(
      415,
      'unsupported_charset',
      `JSON bodies are UTF-8; this one says charset=${charset}.`,
    );
  }
  if (!isUtf8(bytes)) {
    throw new HttpError(
      400,
      'invalid_encoding',
      `The body is not valid UTF-8 (at byte ${firstInvalidUtf8(bytes)}); send JSON as UTF-8.`,
    );
  }
  const text = bytes.toString('utf8');
  // A byte-order mark is not part of the JSON.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Offset of the first byte that breaks UTF-8 (for the error message; the body is known to be invalid). */
function firstInvalidUtf8(bytes: Buffer): number {
  // Lenient decoding replaces each bad sequence by U+FFFD; the first replacement not written as such is it.
  const text = bytes.toString('utf8');
  let offset = 0;
  let previous = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(text.slice(previous, at));
    previous = at;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
  }
  return bytes.length;
}
