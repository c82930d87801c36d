import type { NextFunction, Request, Response } from 'express';
import { can, type Permission, rolesWith } from '../auth/roles.ts';
import type { AuthThrottle } from './auth-throttle.ts';
import type { KeyRing } from './key-ring.ts';
import type { Metrics } from './metrics.ts';
import { HttpError } from './problem.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Caller } from './types.ts';

/** The client address a request came from (the socket's peer unless express is told to trust a proxy). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Checks presented keys: refused unseen while the client's address is throttled, failures counted. */
export class KeyGate {
  constructor(
    private readonly keys: KeyRing,
    private readonly throttle: AuthThrottle,
    private readonly metrics: Metrics,
  ) {}

  /** The caller, `{ retryAfter }` (seconds) when the address must wait, or undefined for a bad key. */
  check(req: Request, key: string): Caller | { retryAfter: number } | undefined {
    const address = clientAddress(req);
    const wait = this.throttle.check(address);
    if (wait > 0) {
      this.metrics.authThrottled.inc();
      return { retryAfter: Math.max(1, Math.ceil(wait)) };
    }
    const caller = this.keys.authenticate(key);
    if (!caller) {
      this.throttle.fail(address);
      this.metrics.authFailures.inc();
    }
    return caller;
  }
}

export function isThrottled(
  result: Caller | { retryAfter: number } | undefined,
): result is { retryAfter: number } {
  return result !== undefined && 'retryAfter' in result;
}

export function throttledError(retryAfter: number): HttpError {
  return new HttpError(
    429,
    'too_many_failed_keys',
    `Too many invalid API keys from this address; try again in ${retryAfter} s.`,
    { headers: { 'Retry-After': String(retryAfter) } },
  );
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return req.get('x-api-key')?.trim() || undefined;
}

/**
 * 401 unless the request carries an active key; 429 when its address made too many failed attempts
 * (checked before the key), or when the key is over its rate.
 */
export function authenticate(gate: KeyGate, limiter: RateLimiter, metrics: Metrics) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const key = presentedKey(req);
    if (key === undefined) {
      throw new HttpError(401, 'unauthorized', 'An API key is required: send Authorization: Bearer <key>.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="retailos"' },
      });
    }
    const caller = gate.check(req, key);
    if (isThrottled(caller)) throw throttledError(caller.retryAfter);
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
