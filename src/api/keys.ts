import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRole, ROLES, type Role } from '../auth/roles.ts';
import { UserError } from '../warehouse/errors.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/**
 * API keys: `rk_<key_id>_<secret>`. The key id is public (it names the key in
 * lists and logs); the secret is 32 random bytes. Only the SHA-256 of the
 * whole key is stored, and a presented key is compared in constant time.
 */
export interface ApiKey {
  key_id: string;
  name: string;
  role: Role;
  created_at: Date;
  revoked_at: Date | null;
}

export interface StoredKey extends ApiKey {
  key_hash: string;
}

const KEY_PATTERN = /^rk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const MAX_NAME = 200;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The key id of a well-formed key, else undefined. */
export function keyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Whether `key` hashes to `storedHash` (constant time in the hash). */
export function keyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export function newKey(): { keyId: string; key: string } {
  const keyId = randomBytes(6).toString('hex');
  return { keyId, key: `rk_${keyId}_${randomBytes(32).toString('base64url')}` };
}

export function checkKeyInput(role: unknown, name: unknown): { role: Role; name: string } {
  if (!isRole(role)) throw new UserError(`--role must be one of ${ROLES.join(', ')}`);
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
    throw new UserError(`--name must say who uses the key (1..${MAX_NAME} characters)`);
  }
  return { role, name: name.trim() };
}

/** Creates a key and returns it with the secret: the only time the secret is available. */
export async function createKey(
  warehouse: Warehouse,
  input: { role: unknown; name: unknown },
): Promise<{ key: string; record: StoredKey }> {
  const { role, name } = checkKeyInput(input.role, input.name);
  const { keyId, key } = newKey();
  const record: StoredKey = {
    key_id: keyId,
    name,
    role,
    key_hash: hashKey(key),
    created_at: new Date(),
    revoked_at: null,
  };
  await warehouse.run(
    `INSERT INTO api_keys (key_id, name, role, key_hash, created_at)
     VALUES ($key_id, $name, $role, $key_hash, make_timestamptz($created_us::BIGINT))`,
    {
      key_id: keyId,
      name,
      role,
      key_hash: record.key_hash,
      created_us: BigInt(record.created_at.getTime()) * 1000n,
    },
  );
  return { key, record };
}

export async function listKeys(warehouse: Warehouse, includeRevoked = true): Promise<StoredKey[]> {
  return warehouse.all<StoredKey>(
    `SELECT key_id, name, role, key_hash, created_at, revoked_at FROM api_keys
     WHERE $all OR revoked_at IS NULL ORDER BY created_at, key_id`,
    { all: includeRevoked },
  );
}

/** Revokes a key; false when no active key has that id. */
export async function revokeKey(warehouse: Warehouse, keyId: string): Promise<boolean> {
  const row = await warehouse.one<{ n: bigint }>(
    `UPDATE api_keys SET revoked_at = now() WHERE key_id = $key_id AND revoked_at IS NULL RETURNING 1 AS n`,
    { key_id: keyId },
  );
  return row !== undefined;
}

export function publicKey(record: StoredKey): ApiKey {
  const { key_hash: _hash, ...rest } = record;
  return rest;
}
