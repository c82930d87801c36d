import { randomBytes } from 'node:crypto';

/**
 * Dashboard sessions, in the server's memory: a random token (the cookie) → the API key that logged in.
 * The key itself is re-checked against the key ring on every request, so revoking a key ends its sessions
 * at once; a restart of the server ends them all (log in again).
 */
export interface Session {
  key: string;
  expiresAt: number;
}

export class SessionStore {
  private sessions = new Map<string, Session>();

  constructor(
    readonly ttlMs = 12 * 3_600_000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  create(key: string): string {
    this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      // Map order is insertion order: drop the oldest.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { key, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The key of a live session, or undefined. */
  keyOf(token: string | undefined): string | undefined {
    if (!token) return undefined;
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return session.key;
  }

  end(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(token);
  }
}
