import * as z from 'zod';
import { EVENT_SCHEMAS } from '../../contracts/index.ts';
import { WORKFLOW_EVENT_TYPES } from '../../contracts/workflow-events.ts';
import {
  BodyError,
  EVENTS_BODY,
  IngestBusyError,
  IngestClosedError,
  type StagedBody,
} from '../../ingest/http-ingest.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';
import { applyApprovalPolicy, type RefusedEvent, withRefusals } from './events-policy.ts';

const issue = z.object({ path: z.string(), code: z.string(), message: z.string() });

const eventResult = z.object({
  index: z.number().int().describe('position in the request (0 for a single object)'),
  event_id: z.string().nullable(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  seq: z.number().int().optional().describe('arrival sequence number of an accepted event'),
  reason: z
    .enum(['invalid', 'unreadable', 'conflict', 'forbidden'])
    .optional()
    .describe('forbidden: the approval policy wants an approval for it (docs/workflow.md "Raw events")'),
  errors: z.array(issue).optional(),
});

const postEventsResponse = z.object({
  request_id: z.string(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  results: z.array(eventResult),
});

/** Documentation of one event: any of the contract's event types. */
function eventDoc(): Record<string, unknown> {
  return {
    oneOf: Object.values(EVENT_SCHEMAS).map((schema) => {
      const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      return rest;
    }),
  };
}

/**
 * Workflow decisions (exception and approval actions) carry an actor and change who owns what: they come
 * from the workflow routes, which check the caller's role for each action. Posting them as raw events would
 * let any events:write key (an integration) approve a purchase order, so only admin may (for replays).
 */
const WORKFLOW_TYPES: ReadonlySet<string> = new Set(WORKFLOW_EVENT_TYPES);

export function refuseWorkflowEvents(role: string | undefined, staged: StagedBody): void {
  if (role === 'admin') return;
  const found = staged.events.type.find((type) => WORKFLOW_TYPES.has(type));
  if (found === undefined) return;
  throw new HttpError(
    403,
    'forbidden',
    `Workflow events (${found}) are recorded through the workflow routes (/exceptions, /approvals), ` +
      'which check the role of each action; only admin may post them as raw events.',
  );
}

export function registerEvents(api: ApiRouter, ctx: ApiContext): void {
  const max = ctx.limits.maxEventsPerRequest;
  const event = eventDoc();
  api.route({
    method: 'post',
    path: '/events',
    tag: 'events',
    summary: 'Send events (one object or an array)',
    description:
      `Validates each event against the event contract and lands the valid ones idempotently by event_id. ` +
      `Per event: accepted (with its seq), duplicate (same event_id and body already landed), or rejected ` +
      `(invalid, unreadable or conflict, with every error and its field path; stored in rejected_events with ` +
      `the request id; or forbidden: a price, purchase order, transfer or item cost change the approval ` +
      `policy would need approved, from a key without events:bypass_approval — not stored, nothing of it lands). ` +
      `At most ${max} events per request (413 beyond).`,
    permission: 'events:write',
    // Parsed and checked against EVENTS_BODY in a staging worker; each element is then validated by the
    // event contract on its own (one bad event never fails the rest).
    body: EVENTS_BODY,
    rawBody: true,
    bodyDoc: { oneOf: [event, { type: 'array', items: event, minItems: 1, maxItems: max }] },
    response: postEventsResponse,
    errors: [413, 415, 503],
    async handler({ req }) {
      try {
        let refused: RefusedEvent[] = [];
        const outcome = await ctx.ingest.submitText(
          req.id,
          typeof req.body === 'string' ? req.body : '',
          max,
          async (staged) => {
            refuseWorkflowEvents(req.caller?.role, staged);
            refused = await applyApprovalPolicy(ctx, req.caller?.role, staged);
          },
        );
        return { request_id: req.id, ...withRefusals(outcome, refused) };
      } catch (error) {
        if (error instanceof BodyError) {
          const { problem, message, errors } = error.body;
          if (problem === 'too_many') throw new HttpError(413, 'batch_too_large', message);
          if (problem === 'malformed_json') throw new HttpError(400, 'malformed_json', message);
          if (problem === 'too_complex')
            throw new HttpError(400, 'body_too_complex', message, { errors: errors ?? [] });
          throw new HttpError(400, 'validation_failed', message, errors ? { errors } : {});
        }
        if (error instanceof IngestBusyError) {
          throw new HttpError(503, 'ingest_busy', 'The ingest queue is full; retry shortly.', {
            headers: { 'Retry-After': '1' },
          });
        }
        if (error instanceof IngestClosedError) {
          throw new HttpError(503, 'shutting_down', 'The server is shutting down.', {
            headers: { 'Retry-After': '5' },
          });
        }
        throw error;
      }
    },
  });
}
