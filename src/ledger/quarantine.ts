/**
 * The ledger's quarantine (docs/ledger.md, "Quarantine"): what makes an event one the refresh cannot apply, and
 * how such an event is told apart from a failure that is not an event's fault.
 */
import { findLoneSurrogate } from '../contracts/unicode.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** Events one refresh may isolate one by one before it concludes the failure is not the events' fault. */
export const MAX_ISOLATED_EVENTS = 20;

/**
 * DuckDB error classes a bad event can cause (a value that does not convert, a constraint it breaks, JSON that
 * does not parse), and the refresh's own give-ups. Anything else (binder and catalog errors: a bug; I/O, out of
 * memory, interrupts: the machine) is not an event's fault and must not quarantine an innocent event.
 */
const EVENT_FAILURE_RE =
  /\b(Conversion|Invalid Input|Constraint|Out of Range|Mismatch Type|Invalid type) Error\b|ledger valuation stuck|ledger dependency closure did not end/;

/** True when `error` may be caused by the data of one event (see EVENT_FAILURE_RE). */
export function isEventFailure(error: unknown): boolean {
  return EVENT_FAILURE_RE.test(error instanceof Error ? error.message : String(error));
}

/** The first line of a refresh error (without DuckDB's context and the statement `runStep` appends), capped. */
export function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const head = message
    .split('\n')[0]!
    .trim()
    .replace(/\d{24,}(\.\d+)?/g, (digits) => `${digits.slice(0, 12)}…`);
  return head.length > 300 ? `${head.slice(0, 300)}…` : head;
}

/**
 * Why a stored payload that DuckDB cannot parse is unreadable, in words a person can act on: the JSON error,
 * or where the lone surrogate is (the case issue 15 found: `"sku":"SKU-\ud800"` landed before the contract
 * refused it).
 */
export function explainUnreadablePayload(payload: string): string {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (error) {
    return `the stored payload is not JSON: ${(error as Error).message}`;
  }
  const at = findLoneSurrogate(value);
  if (at !== undefined) {
    const path = at.length === 0 ? 'the payload' : at.join('.');
    return (
      `the stored payload holds a lone UTF-16 surrogate in ${path} (not valid Unicode, so not JSON the ` +
      'warehouse can read); the contract refuses such text since issue 15: send a corrected event with a new event_id'
    );
  }
  return 'the stored payload is not JSON the warehouse can read';
}

/** Gives the malformed-payload rows of `lx_bad` (01_parse) their precise reason; few rows, so one query each. */
export async function explainBadPayloads(warehouse: Warehouse): Promise<void> {
  const rows = await warehouse.all<{ seq: bigint; payload: string }>(
    `SELECT b.seq, e.payload FROM lx_bad b JOIN event_log e USING (seq) WHERE b.reason = 'malformed_payload'`,
  );
  for (const row of rows) {
    await warehouse.run('UPDATE lx_bad SET message = $message WHERE seq = $seq', {
      message: explainUnreadablePayload(row.payload),
      seq: row.seq,
    });
  }
}
