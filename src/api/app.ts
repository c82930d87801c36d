import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { StageFailedError, StageUnavailableError } from '../ingest/stage-pool.ts';
import { authenticate, KeyGate, requirePermission } from './auth.ts';
import { AuthThrottle, type AuthThrottleOptions, DEFAULT_AUTH_THROTTLE } from './auth-throttle.ts';
import type { ApiContext } from './context.ts';
import { HealthCheck } from './health.ts';
import { HttpError, sendProblem } from './problem.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { scrubUrl } from './redact.ts';
import { ApiRouter, jsonBodyParser } from './route.ts';
import { registerAlerts } from './routes/alerts.ts';
import { registerAllocations } from './routes/allocations.ts';
import { registerApprovals } from './routes/approvals.ts';
import { registerAtp } from './routes/atp.ts';
import { registerAudit } from './routes/audit.ts';
import { registerAvailability } from './routes/availability.ts';
import { registerChannels } from './routes/channels.ts';
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
  /** Throttling of failed authentications (API, metrics and the dashboards' login alike). */
  authThrottle?: Partial<AuthThrottleOptions>;
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
          url: scrubUrl(req.originalUrl),
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
    if (type === 'encoding.unsupported') {
      return sendProblem(
        req,
        res,
        new HttpError(
          415,
          'unsupported_content_encoding',
          `Content-Encoding ${req.get('content-encoding') ?? ''} is not supported; send gzip, deflate, br or none.`,
        ),
      );
    }
    if (type === 'charset.unsupported') {
      return sendProblem(req, res, new HttpError(415, 'unsupported_charset', error.message));
    }
    if (type === 'request.aborted') return;
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // The body parser's other refusals: a compressed body that does not decompress (corrupt or
      // truncated gzip/deflate/br), a body shorter or longer than its Content-Length, …
      const encoding = req.get('content-encoding');
      const undecodable = status === 400 && encoding !== undefined && encoding.toLowerCase() !== 'identity';
      return sendProblem(
        req,
        res,
        undecodable
          ? new HttpError(
              400,
              'invalid_content_encoding',
              `The body could not be decoded as Content-Encoding ${encoding}: ${error.message}.`,
            )
          : new HttpError(status, 'bad_request', `The request could not be read: ${error.message}.`),
      );
    }
    if (error instanceof StageUnavailableError) {
      return sendProblem(
        req,
        res,
        new HttpError(
          503,
          'ingest_unavailable',
          `Events cannot be validated right now (${error.message}); retry shortly.`,
          {
            headers: { 'Retry-After': '2' },
          },
        ),
      );
    }
    if (error instanceof StageFailedError) {
      ctx.logger.error({ req_id: req.id, err: error }, 'staging failed');
      return sendProblem(
        req,
        res,
        new HttpError(500, 'staging_failed', `This request could not be validated: ${error.message}.`),
      );
    }
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

  const health = new HealthCheck(ctx);
  app.get('/health', async (_req, res) => {
    const report = await health.report();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'unavailable' ? 503 : 200).json(report);
  });

  const limiter = new RateLimiter(options.rateLimit);
  const gate = new KeyGate(
    ctx.keys,
    new AuthThrottle({ ...DEFAULT_AUTH_THROTTLE, ...options.authThrottle }),
    ctx.metrics,
  );
  const auth = authenticate(gate, limiter, ctx.metrics);

  app.get('/metrics', auth, requirePermission('metrics:read'), (_req, res) => {
    ctx.metrics.ingestQueue.set({}, ctx.ingest.queuedEvents);
    res.type('text/plain; version=0.0.4').send(ctx.metrics.render());
  });

  const api = new ApiRouter(
    '/api/v1',
    jsonBodyParser(ctx.limits.maxBodyBytes),
    jsonBodyParser(ctx.limits.maxBodyBytes, { raw: true }),
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
  registerChannels(api, ctx);
  registerSql(api, ctx, options.sqlMaxRows);
  registerKeys(api, ctx);
  registerDocs(api);
  app.use('/api/v1', auth, api.router);
  registerDashboards(app, ctx, { gate });
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
