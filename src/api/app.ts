import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { clockJson, readBusinessClock } from '../clock/business-clock.ts';
import { authenticate, requirePermission } from './auth.ts';
import type { ApiContext } from './context.ts';
import { HttpError, sendProblem } from './problem.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { ApiRouter, jsonBodyParser, textBodyParser } from './route.ts';
import { registerAlerts } from './routes/alerts.ts';
import { registerAllocations } from './routes/allocations.ts';
import { registerApprovals } from './routes/approvals.ts';
import { registerAtp } from './routes/atp.ts';
import { registerAudit } from './routes/audit.ts';
import { registerAvailability } from './routes/availability.ts';
import { registerDashboards } from './routes/dashboards.ts';
import { registerDocs } from './routes/docs.ts';
import { registerEvents } from './routes/events.ts';
import { registerExceptions } from './routes/exceptions.ts';
import { registerForecasts } from './routes/forecasts.ts';
import { registerKeys } from './routes/keys.ts';
import { registerKpis } from './routes/kpis.ts';
import { registerPositions } from './routes/positions.ts';
import { registerRecommendations } from './routes/recommendations.ts';
import { registerRejects } from './routes/rejects.ts';
import { registerReturns } from './routes/returns.ts';
import { registerSql } from './routes/sql.ts';
import { registerSubscriptions } from './routes/subscriptions.ts';
import './types.ts';

export interface AppOptions {
  rateLimit: RateLimitOptions;
  sqlMaxRows: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Request id (the caller's X-Request-Id when well-formed), echoed back; one log line and metrics per request. */
function observe(ctx: ApiContext): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route =
        (res.locals.route as string | undefined) ??
        (req.route ? `${req.baseUrl}${req.route.path as string}` : 'unmatched');
      const labels = { method: req.method, route };
      ctx.metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
      ctx.metrics.httpDuration.observe(labels, seconds);
      ctx.logger.info(
        {
          req_id: req.id,
          method: req.method,
          url: req.originalUrl,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1e4) / 10,
          key_id: req.caller?.keyId,
          role: req.caller?.role,
        },
        'request',
      );
    });
    next();
  };
}

/** Problem details for everything that goes wrong, including the body parser's errors. */
function problems(ctx: ApiContext): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof HttpError) return sendProblem(req, res, error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      return sendProblem(
        req,
        res,
        new HttpError(400, 'malformed_json', `The body is not valid JSON: ${error.message}`),
      );
    }
    if (type === 'entity.too.large') {
      return sendProblem(
        req,
        res,
        new HttpError(413, 'body_too_large', `The body is larger than ${error.limit} bytes.`),
      );
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendProblem(req, res, new HttpError(415, 'unsupported_media_type', error.message));
    }
    if (type === 'request.aborted') return;
    ctx.logger.error({ req_id: req.id, err: error }, 'unhandled error');
    sendProblem(
      req,
      res,
      new HttpError(
        500,
        'internal_error',
        'Something went wrong on our side; the request id helps us find it.',
      ),
    );
  };
}

/** The express application: /health open, everything else behind an API key. */
export function createApp(ctx: ApiContext, options: AppOptions): { app: Express; api: ApiRouter } {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(observe(ctx));
  app.use((_req, res, next) => {
    if (ctx.draining) {
      res.setHeader('Connection', 'close');
      throw new HttpError(503, 'shutting_down', 'The server is shutting down.', {
        headers: { 'Retry-After': '5' },
      });
    }
    next();
  });

  app.get('/health', async (_req, res) => {
    const ok = await ctx.readers
      .use(async (connection) => (await connection.all('SELECT 1 AS ok', {})).length === 1)
      .catch(() => false);
    // Which business clock is in force, and why (src/clock): what every date the server writes is based on.
    const clock = ok ? await ctx.readers.use(readBusinessClock).catch(() => null) : null;
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'unavailable', ...(clock === null ? {} : { clock: clockJson(clock) }) });
  });

  const limiter = new RateLimiter(options.rateLimit);
  const auth = authenticate(ctx.keys, limiter, ctx.metrics);

  app.get('/metrics', auth, requirePermission('metrics:read'), (_req, res) => {
    ctx.metrics.ingestQueue.set({}, ctx.ingest.queuedEvents);
    res.type('text/plain; version=0.0.4').send(ctx.metrics.render());
  });

  const api = new ApiRouter(
    '/api/v1',
    jsonBodyParser(ctx.limits.maxBodyBytes),
    textBodyParser(ctx.limits.maxBodyBytes),
  );
  registerEvents(api, ctx);
  registerRejects(api, ctx);
  registerPositions(api, ctx);
  registerAvailability(api, ctx);
  registerAtp(api, ctx);
  registerExceptions(api, ctx);
  registerApprovals(api, ctx);
  registerReturns(api, ctx);
  registerAudit(api, ctx);
  registerForecasts(api, ctx);
  registerKpis(api, ctx);
  registerRecommendations(api, ctx);
  registerAllocations(api, ctx);
  registerAlerts(api, ctx);
  registerSubscriptions(api, ctx);
  registerSql(api, ctx, options.sqlMaxRows);
  registerKeys(api, ctx);
  registerDocs(api);
  app.use('/api/v1', auth, api.router);
  registerDashboards(app, ctx);
  // A known path with a method it does not have: 405 with Allow, not 404.
  app.use('/api/v1', (req, res, next) => {
    const allowed = api.methodsFor(req.path);
    if (allowed.length === 0) return next();
    res.setHeader('Allow', allowed.join(', '));
    next(
      new HttpError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed on ${req.path}; use ${allowed.join(' or ')}.`,
      ),
    );
  });

  app.use((req, _res, next) => {
    next(new HttpError(404, 'not_found', `No route ${req.method} ${req.path}.`));
  });
  app.use(problems(ctx));
  return { app, api };
}
