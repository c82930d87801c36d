import type { Request, Response } from 'express';
import type * as z from 'zod';
import { scrubUrl } from './redact.ts';

/** One field-level problem: dotted path (`lines.0.qty`, `query.limit`), machine code, message. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/**
 * An error with an HTTP status, sent as RFC 9457 problem details
 * (`application/problem+json`): `type`, `title`, `status`, `detail`,
 * `instance`, plus `code`, `request_id` and, for validation, `errors`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Short stable slug: `unauthorized`, `forbidden`, `validation_failed`, … */
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_TYPE_BASE = '/api/v1/problems/';

export function sendProblem(req: Request, res: Response, error: HttpError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
  res
    .status(error.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}${error.code}`,
        title: TITLES[error.status] ?? 'Error',
        status: error.status,
        detail: error.detail,
        // Scrubbed like the log: proxies and client error trackers keep what they are sent.
        instance: scrubUrl(req.originalUrl),
        code: error.code,
        request_id: req.id,
        ...(error.extra.errors ? { errors: error.extra.errors } : {}),
      }),
    );
}

/** A zod failure at the boundary as a 400 with every field path (prefixed by where it was: query, body, params). */
export function validationError(where: string, error: z.ZodError): HttpError {
  const errors = error.issues.flatMap((issue): FieldError[] => {
    const base = [where, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...base, key].join('.'),
        code: issue.code,
        message: 'unknown field',
      }));
    }
    return [{ path: base.join('.'), code: issue.code, message: issue.message }];
  });
  return new HttpError(400, 'validation_failed', `The request's ${where} is not valid.`, { errors });
}
