import { validateEvent } from '../contracts/index.ts';
import { toEpochMicros } from '../contracts/time.ts';
import { escapeUnsafe } from '../contracts/unicode.ts';
import type { IssueRecord, StagedEvent, StagedReject } from '../warehouse/landing.ts';
import { checkJsonLimits } from './json-limits.ts';

/** Longest event id kept on a reject row (the raw input keeps everything). */
const MAX_ID_ON_REJECT = 256;

/** One unit of input as a reader found it. */
export interface InputItem {
  /** 1-based line in the source (first line of a multi-row CSV event). */
  line?: number | undefined;
  /** The input text as received (a JSONL line), or the record as JSON for CSV/Parquet rows. */
  raw: string;
  /** Already-decoded value (CSV/Parquet records); absent means `raw` is JSON text to parse. */
  value?: unknown;
  /** A problem the reader found before validation (malformed CSV row, oversized line…). */
  readError?: IssueRecord | undefined;
  /**
   * A reader that made an event and then refused it (a channel order with an unknown sku) says `invalid`:
   * the reject keeps the event's id and type (`value`), so the event landing later resolves it.
   */
  rejectReason?: 'invalid' | undefined;
}

/** Validates one input and turns it into a landable event or a reject. */
export function stageItem(item: InputItem): StagedEvent | StagedReject {
  if (item.readError) {
    if (item.rejectReason === 'invalid') {
      return {
        reason: 'invalid',
        raw: item.raw,
        errors: [item.readError],
        eventId: stringField(item.value, 'event_id'),
        type: stringField(item.value, 'type'),
        line: item.line,
      };
    }
    return { reason: 'unreadable', raw: item.raw, errors: [item.readError], line: item.line };
  }
  let value = item.value;
  if (value === undefined) {
    // Bounds first: what follows parsing (validation, JSON.stringify) recurses and must never see 100,000 levels.
    const tooComplex = checkJsonLimits(item.raw);
    if (tooComplex) {
      return {
        reason: 'unreadable',
        raw: item.raw,
        errors: [
          {
            path: '',
            code: tooComplex.code,
            message: `beyond the bounds of any event: ${tooComplex.message}`,
          },
        ],
        line: item.line,
      };
    }
    try {
      value = JSON.parse(item.raw);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        reason: 'unreadable',
        raw: item.raw,
        errors: [{ path: '', code: 'invalid_json', message: `not valid JSON: ${message}` }],
        line: item.line,
      };
    }
  }
  const result = validateEvent(value);
  if (!result.ok) {
    return {
      reason: 'invalid',
      raw: item.raw,
      errors: result.errors,
      eventId: stringField(value, 'event_id'),
      type: stringField(value, 'type'),
      line: item.line,
    };
  }
  const event = result.event;
  return {
    eventId: event.event_id,
    type: event.type,
    occurredUs: toEpochMicros(event.occurred_at),
    // Canonical body: the validated event with keys in contract order, so the
    // same event sent as JSONL, CSV or Parquet compares equal.
    payload: JSON.stringify(event),
    source: event.source,
    actor: event.actor,
    line: item.line,
  };
}

export function isReject(staged: StagedEvent | StagedReject): staged is StagedReject {
  return 'reason' in staged;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  // Escaped: a refused id may hold a lone surrogate or NUL, which the reject row must still store and show.
  return typeof field === 'string' ? escapeUnsafe(field.slice(0, MAX_ID_ON_REJECT)) : undefined;
}
