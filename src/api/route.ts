import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import * as z from 'zod';
import { requirePermission } from './auth.ts';
import { HttpError, validationError } from './problem.ts';
import type { Permission } from './roles.ts';

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
    private readonly jsonBody: RequestHandler,
    private readonly textBody: RequestHandler,
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
        spec.rawBody ? this.textBody : this.jsonBody,
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

/** The JSON body parser, bounded: bigger bodies are refused with 413 before they are read in full. */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  return express.json({ limit: limitBytes, type: 'application/json', strict: false });
}

/** The same bound, the body kept as text (for `rawBody` routes). */
export function textBodyParser(limitBytes: number): RequestHandler {
  return express.text({ limit: limitBytes, type: 'application/json' });
}
