import type { NextFunction, Request, Response } from 'express';
import type { KeyRing } from './key-ring.ts';
import type { Metrics } from './metrics.ts';
import { HttpError } from './problem.ts';
import type { RateLimiter } from './rate-limit.ts';
import { can, type Permission, rolesWith } from './roles.ts';

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return req.get('x-api-key')?.trim() || undefined;
}

/** 401 unless the request carries an active key; then 429 when that key is over its rate. */
export function authenticate(keys: KeyRing, limiter: RateLimiter, metrics: Metrics) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const key = presentedKey(req);
    if (key === undefined) {
      throw new HttpError(401, 'unauthorized', 'An API key is required: send Authorization: Bearer <key>.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="retailos"' },
      });
    }
    const caller = keys.authenticate(key);
    if (!caller) {
      throw new HttpError(401, 'unauthorized', 'The API key is not valid (unknown, malformed or revoked).', {
        headers: { 'WWW-Authenticate': 'Bearer realm="retailos", error="invalid_token"' },
      });
    }
    req.caller = caller;
    const wait = limiter.take(caller.keyId);
    if (wait > 0) {
      metrics.rateLimited.inc();
      throw new HttpError(429, 'rate_limited', 'Too many requests for this API key; slow down.', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(wait))) },
      });
    }
    next();
  };
}

/** 403 unless the caller's role grants `permission`. */
export function requirePermission(permission: Permission) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const caller = req.caller;
    if (!caller) throw new HttpError(401, 'unauthorized', 'An API key is required.');
    if (!can(caller.role, permission)) {
      throw new HttpError(
        403,
        'forbidden',
        `The role ${caller.role} may not do this (needs ${permission}, held by: ${rolesWith(permission).join(', ')}).`,
      );
    }
    next();
  };
}
