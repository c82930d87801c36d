import * as z from 'zod';
import {
  type EventColumns,
  emptyColumns,
  type IssueRecord,
  pushEvent,
  type StagedReject,
} from '../warehouse/landing.ts';
import { checkJsonLimits, DEFAULT_JSON_LIMITS, type JsonLimits } from './json-limits.ts';
import { isReject, stageItem } from './stage.ts';

/** A request body after validation: landable events (with their request positions) and rejects. */
export interface StagedBody {
  events: EventColumns;
  /** Request index of each row of `events`. */
  eventIndex: number[];
  rejects: StagedReject[];
  /** Request index of each reject. */
  rejectIndex: number[];
  total: number;
}

/** A body that is not a batch of events at all: nothing of it is landed or stored. */
export interface BodyProblem {
  problem: 'malformed_json' | 'invalid_body' | 'too_many' | 'too_complex';
  message: string;
  errors?: IssueRecord[];
}

/**
 * The shape of a POST /events body, checked before any event is looked at:
 * one event object, or a non-empty array. Each element is then validated by
 * the event contract on its own, so one bad event never fails the others.
 */
export const EVENTS_BODY = z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown())]);

/** Validates decoded inputs (the same staging as files); rejects keep the input as JSON text. */
export function stageInputs(inputs: readonly unknown[]): StagedBody {
  const events = emptyColumns();
  const eventIndex: number[] = [];
  const rejects: StagedReject[] = [];
  const rejectIndex: number[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const value = inputs[index] === undefined ? null : inputs[index];
    const staged = stageItem({ raw: '', value, line: index + 1 });
    if (isReject(staged)) {
      rejects.push({ ...staged, raw: JSON.stringify(value) });
      rejectIndex.push(index);
    } else {
      pushEvent(events, staged);
      eventIndex.push(index);
    }
  }
  return { events, eventIndex, rejects, rejectIndex, total: inputs.length };
}

/**
 * The body's JSON bounds: those of one event, one level deeper (the array around the events). The outer
 * array may hold `maxEvents`, and is then counted no further (its own check names the excess).
 */
export function bodyLimits(maxEvents: number, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonLimits {
  return { ...limits, maxDepth: limits.maxDepth + 1, maxItems: Math.max(limits.maxItems, maxEvents) };
}

/**
 * Checks a request body's JSON bounds (before parsing anything), parses it, checks its shape with
 * `EVENTS_BODY`, and stages every event.
 */
export function stageBody(text: string, maxEvents: number): StagedBody | BodyProblem {
  const tooComplex = checkJsonLimits(text, bodyLimits(maxEvents));
  if (tooComplex?.code === 'too_many_items' && tooComplex.depth === 1) {
    return { problem: 'too_many', message: `At most ${maxEvents} events per request; this one has more.` };
  }
  if (tooComplex) {
    return {
      problem: 'too_complex',
      message: `The body is beyond the bounds of any batch of events: ${tooComplex.message}.`,
      errors: [{ path: 'body', code: tooComplex.code, message: tooComplex.message }],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: 'malformed_json', message: `The body is not valid JSON: ${(error as Error).message}` };
  }
  const shape = EVENTS_BODY.safeParse(value);
  if (!shape.success) {
    return {
      problem: 'invalid_body',
      message: 'The body must be one event object or a non-empty array of events.',
      errors: shape.error.issues.map((issue) => ({
        path: ['body', ...issue.path.map(String)].join('.'),
        code: issue.code,
        message: issue.message,
      })),
    };
  }
  const inputs = Array.isArray(value) ? value : [value];
  if (inputs.length > maxEvents) {
    return {
      problem: 'too_many',
      message: `At most ${maxEvents} events per request; this one has ${inputs.length}.`,
    };
  }
  const staged = stageInputs(inputs);
  // Typed arrays cross the thread boundary by transfer, not by copy.
  staged.events.occurredUs = Float64Array.from(staged.events.occurredUs);
  staged.events.line = Float64Array.from(staged.events.line);
  return staged;
}
