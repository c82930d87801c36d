import { keyIdOf, keyMatches, type StoredKey } from './keys.ts';
import type { Caller } from './types.ts';

/**
 * The active keys, in memory: authenticating a request costs a map lookup and
 * one hash, not a query. The server is the only process that can write the
 * warehouse while it runs, so the ring is reloaded after every key change it
 * makes (`/api/v1/keys`) and is never stale.
 */
export class KeyRing {
  private keys = new Map<string, StoredKey>();

  replace(keys: readonly StoredKey[]): void {
    this.keys = new Map(keys.filter((key) => key.revoked_at === null).map((key) => [key.key_id, key]));
  }

  get size(): number {
    return this.keys.size;
  }

  /** The caller a presented key belongs to, or undefined (unknown, malformed or revoked). */
  authenticate(presented: string): Caller | undefined {
    const keyId = keyIdOf(presented);
    if (keyId === undefined) return undefined;
    const stored = this.keys.get(keyId);
    if (!stored || !keyMatches(presented, stored.key_hash)) return undefined;
    return { keyId, name: stored.name, role: stored.role };
  }
}
