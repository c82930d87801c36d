import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../warehouse/warehouse.ts';

/**
 * Credentials the platform must hold in clear to act for its users (a webhook's URL and signing secret;
 * later, channel credentials): one table, `secrets`, that no analyst can read (the SQL sandbox's
 * allow-list leaves it out and its plan check refuses any scan of it, through views and macros too).
 * Rows that analysts or list routes can read keep only the secret's id (`sec-…`).
 *
 * The value is text; structured credentials are stored as JSON (`storeJsonSecret`).
 */
export interface NewSecret {
  /** What it is for, e.g. `alert_subscription.webhook`. */
  purpose: string;
  /** The row it belongs to (a subscription id, …), for audits and clean-up. */
  ownerId: string | null;
  value: string;
}

export async function storeSecret(warehouse: Warehouse, secret: NewSecret, now: Date): Promise<string> {
  const id = `sec-${randomUUID()}`;
  await warehouse.run(`INSERT INTO secrets VALUES ($id, $purpose, $owner, $value, $now::TIMESTAMPTZ)`, {
    id,
    purpose: secret.purpose,
    owner: secret.ownerId,
    value: secret.value,
    now: now.toISOString(),
  });
  return id;
}

export function storeJsonSecret(
  warehouse: Warehouse,
  secret: Omit<NewSecret, 'value'> & { value: unknown },
  now: Date,
): Promise<string> {
  return storeSecret(warehouse, { ...secret, value: JSON.stringify(secret.value) }, now);
}

/** The values of the given secrets by id; an id without a secret (deleted) is absent from the map. */
export async function readSecrets(
  warehouse: Warehouse,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await warehouse.all<{ secret_id: string; value: string }>(
    `SELECT secret_id, value FROM secrets WHERE list_contains(from_json($ids, '["VARCHAR"]'), secret_id)`,
    { ids: JSON.stringify([...new Set(ids)]) },
  );
  return new Map(rows.map((row) => [row.secret_id, row.value]));
}

/** Forgets a secret (its owner no longer needs it). */
export async function deleteSecret(warehouse: Warehouse, id: string): Promise<void> {
  await warehouse.run('DELETE FROM secrets WHERE secret_id = $id', { id });
}
