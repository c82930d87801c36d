import type { Role } from '../auth/roles.ts';

/** Who is calling: set by the auth middleware from a valid API key. */
export interface Caller {
  keyId: string;
  name: string;
  role: Role;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: the caller's `X-Request-Id` when well-formed, else a new UUID. Echoed in the response. */
    id: string;
    caller?: Caller;
  }
}
