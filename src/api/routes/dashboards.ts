import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { can, rolesWith } from '../../auth/roles.ts';
import { buildDashboards, siteDir } from '../../dashboards/build.ts';
import { canSeePage, landingPage, PAGES, pagePermissions } from '../../dashboards/pages.ts';
import { SessionStore } from '../../dashboards/sessions.ts';
import { canonicalSitePath, siteResource } from '../../dashboards/site-access.ts';
import { readerSource } from '../../dashboards/sources.ts';
import { isThrottled, type KeyGate, presentedKey, requirePermission, throttledError } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { HttpError, sendProblem } from '../problem.ts';
import type { Caller } from '../types.ts';

export const DASHBOARDS_PATH = '/dashboards';
export const SESSION_COOKIE = 'retailos_session';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small self-contained page (no scripts, no external resources) for login, refusals and "not built". */
function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${escapeHtml(title)} · retailos</title>
<style>body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:2rem 2.25rem;width:min(28rem,90vw);box-shadow:0 1px 3px #0001}
h1{font-size:1.35rem;margin:0 0 .25rem}p{color:#475569;margin:.25rem 0 1rem}label{display:block;font-weight:600;margin-bottom:.35rem}
input{width:100%;box-sizing:border-box;font:inherit;padding:.55rem .7rem;border:1px solid #cbd5e1;border-radius:8px}
button{margin-top:1rem;font:inherit;font-weight:600;padding:.55rem 1.1rem;border:0;border-radius:8px;background:#2563eb;color:#fff;cursor:pointer}
.error{color:#b91c1c;font-weight:600}ul{padding-left:1.2rem}a{color:#2563eb}</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(next: string, error?: string): string {
  return shell(
    'Log in',
    `<h1>retailos dashboards</h1><p>Log in with your API key (<code>retailos keys create --role … --name …</code>).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${DASHBOARDS_PATH}/login">
<label for="key">API key</label><input id="key" name="key" type="password" autocomplete="current-password" placeholder="rk_…" required autofocus>
<input type="hidden" name="next" value="${escapeHtml(next)}"><button type="submit">Log in</button></form>`,
  );
}

/** Only same-site dashboard paths are followed after login (no open redirect). */
function safeNext(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return text.startsWith(`${DASHBOARDS_PATH}/`) && !text.startsWith('//') && !text.includes('\\')
    ? text
    : `${DASHBOARDS_PATH}/`;
}

function cookieValue(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function sessionCookie(req: Request, token: string, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    `Path=${DASHBOARDS_PATH}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(req.secure ? ['Secure'] : []),
  ].join('; ');
}

function refusal(caller: Caller, what: string, needs: string[]): string {
  const visible = PAGES.filter((page) => canSeePage(caller.role, page));
  return shell(
    'Not for this role',
    `<h1>Not for the ${escapeHtml(caller.role)} role</h1><p>${escapeHtml(what)} needs ${needs
      .map((permission) => `<code>${permission}</code> (${rolesWith(permission as never).join(', ')})`)
      .join(' and ')}.</p>
${visible.length ? `<p>Pages you can open:</p><ul>${visible.map((page) => `<li><a href="${DASHBOARDS_PATH}/${page.page === 'index' ? '' : page.page}">${escapeHtml(page.title)}</a></li>`).join('')}</ul>` : '<p>Your role can open none of the dashboards.</p>'}
<form method="post" action="${DASHBOARDS_PATH}/logout"><button type="submit">Log out</button></form>`,
  );
}

/** Builds the site into `dir` from the server's own reader connections; resolves with a summary line. */
export async function rebuildSite(ctx: ApiContext, dir: string = siteDir()): Promise<string> {
  const result = await buildDashboards(readerSource(ctx.readers), dir, {
    step: (message) => ctx.logger.debug({ step: message.trim() }, 'dashboards build'),
    framework: () => {},
  });
  const computed = result.snapshot.datasets.filter((dataset) => dataset.available).length;
  const detail = `${result.pages} pages, ${computed}/${result.snapshot.datasets.length} datasets computed, ${result.seconds.toFixed(1)} s`;
  ctx.logger.info({ dir: result.outDir, detail }, 'dashboards built');
  return detail;
}

/** How a request under /dashboards/ identified itself: a caller, a throttled address, or nobody. */
type Identity = { caller: Caller } | { retryAfter: number } | { anonymous: true; badKey: boolean };

/**
 * The dashboards' static build at /dashboards/, behind the API's keys: a login page takes an API key and
 * sets an HttpOnly, SameSite=Strict session cookie (a Bearer/X-API-Key header works too, for scripts).
 * Every route needs a key or a session except the login form itself. A path is made canonical once
 * (src/dashboards/site-access.ts) and looked up in the table of pages, data files and shared assets; a
 * page needs the permissions of every dataset it loads, each data file its own, and what the table does
 * not name is refused. Keys are checked through the API's gate, so failed logins are throttled per
 * address like failed API keys.
 */
export function registerDashboards(
  app: Express,
  ctx: ApiContext,
  options: { dir?: string; gate: KeyGate },
): SessionStore {
  const sessions = new SessionStore();
  const dir = options.dir ?? siteDir();
  const { gate } = options;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });

  /** The caller from a key header (checked through the gate), else from a live session cookie. */
  const identify = (req: Request): Identity => {
    const key = presentedKey(req);
    if (key !== undefined) {
      const checked = gate.check(req, key);
      if (isThrottled(checked)) return checked;
      return checked ? { caller: checked } : { anonymous: true, badKey: true };
    }
    // A session was opened with a valid key; the key is re-checked (revocation ends the session at once).
    const sessionKey = sessions.keyOf(cookieValue(req, SESSION_COOKIE));
    const caller = sessionKey ? ctx.keys.authenticate(sessionKey) : undefined;
    return caller ? { caller } : { anonymous: true, badKey: false };
  };

  // One canonical path for everything below (routes included): decoded and normalised here, once.
  router.use((req, res, next) => {
    const query = req.url.indexOf('?');
    const raw = query === -1 ? req.url : req.url.slice(0, query);
    const canonical = canonicalSitePath(raw);
    if (!canonical.ok) {
      sendProblem(req, res, new HttpError(400, 'bad_path', `Not a dashboards path: ${canonical.reason}.`));
      return;
    }
    res.locals.sitePath = canonical.path;
    req.url = `/${canonical.path}${query === -1 ? '' : req.url.slice(query)}`;
    next();
  });

  router.get('/login', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(loginPage(safeNext(req.query.next)));
  });

  router.post('/login', form, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const body = (req.body ?? {}) as { key?: unknown; next?: unknown };
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const checked = key ? gate.check(req, key) : undefined;
    if (isThrottled(checked)) {
      res
        .status(429)
        .setHeader('Retry-After', String(checked.retryAfter))
        .type('html')
        .send(
          loginPage(
            safeNext(body.next),
            `Too many invalid keys from your address; try again in ${checked.retryAfter} s.`,
          ),
        );
      return;
    }
    if (!checked) {
      res
        .status(401)
        .type('html')
        .send(loginPage(safeNext(body.next), 'That key is not valid (unknown, malformed or revoked).'));
      return;
    }
    req.caller = checked;
    const token = sessions.create(key);
    res.setHeader('Set-Cookie', sessionCookie(req, token, Math.floor(sessions.ttlMs / 1000)));
    res.redirect(303, safeNext(body.next));
  });

  router.post('/logout', (req, res) => {
    sessions.end(cookieValue(req, SESSION_COOKIE));
    res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
    res.redirect(303, `${DASHBOARDS_PATH}/login`);
  });

  // Everything else: a key or a session first.
  router.use((req: Request, res: Response, next: NextFunction) => {
    const identity = identify(req);
    if ('retryAfter' in identity) return sendProblem(req, res, throttledError(identity.retryAfter));
    if ('caller' in identity) {
      req.caller = identity.caller;
      return next();
    }
    const sitePath = res.locals.sitePath as string;
    const resource = siteResource(sitePath);
    // Browsers asking for a page go to the login form; data, assets and scripts get a plain 401.
    if (req.method === 'GET' && !identity.badKey && resource?.kind === 'page' && accepts(req, 'text/html')) {
      res.redirect(
        303,
        `${DASHBOARDS_PATH}/login?next=${encodeURIComponent(`${DASHBOARDS_PATH}/${sitePath}`)}`,
      );
      return;
    }
    sendProblem(
      req,
      res,
      new HttpError(
        401,
        'unauthorized',
        identity.badKey
          ? 'The API key is not valid (unknown, malformed or revoked).'
          : 'Log in at /dashboards/login or send an API key.',
        { headers: { 'WWW-Authenticate': 'Bearer realm="retailos"' } },
      ),
    );
  });

  // Rebuild from the server's own connections (sees every commit); one at a time, in the background.
  let rebuild: { state: 'idle' | 'running' | 'done' | 'failed'; at?: string; detail?: string } = {
    state: 'idle',
  };
  router.post('/rebuild', requirePermission('sql:query'), (req, res) => {
    // A key header, not the session cookie: no page of another site can make a browser start a rebuild.
    if (presentedKey(req) === undefined) {
      sendProblem(
        req,
        res,
        new HttpError(401, 'unauthorized', 'Send an API key header with sql:query to rebuild.'),
      );
      return;
    }
    if (rebuild.state === 'running') {
      res.status(409).json(rebuild);
      return;
    }
    rebuild = { state: 'running', at: new Date().toISOString() };
    rebuildSite(ctx, dir).then(
      (detail) => {
        rebuild = { state: 'done', at: new Date().toISOString(), detail };
      },
      (error: unknown) => {
        ctx.logger.error({ err: error }, 'dashboards rebuild failed');
        rebuild = { state: 'failed', at: new Date().toISOString(), detail: String(error).slice(0, 2000) };
      },
    );
    res.status(202).json(rebuild);
  });
  router.get('/rebuild', requirePermission('sql:query'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(rebuild);
  });

  // The site: the canonical path's entry in the table, its permission, then exactly that file.
  router.use((req: Request, res: Response) => {
    const caller = req.caller!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendProblem(
        req,
        res,
        new HttpError(405, 'method_not_allowed', 'The dashboards are read with GET.'),
      );
    }
    const sitePath = res.locals.sitePath as string;
    const resource = siteResource(sitePath);
    if (!resource) {
      return sendProblem(
        req,
        res,
        new HttpError(404, 'not_found', `No dashboards page or file /${sitePath}.`),
      );
    }
    if (resource.kind === 'data' && !can(caller.role, resource.dataset.permission)) {
      return sendProblem(
        req,
        res,
        new HttpError(
          403,
          'forbidden',
          `The role ${caller.role} may not read ${resource.dataset.name} (needs ${resource.dataset.permission}).`,
        ),
      );
    }
    if (resource.kind === 'page' && !canSeePage(caller.role, resource.page)) {
      // The site root (where the login and the sidebar's first link lead) is the role's own first page.
      const home = resource.page.page === 'index' ? landingPage(caller.role) : undefined;
      if (home) {
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(303, `${DASHBOARDS_PATH}/${home.page}`);
        return;
      }
      const needs = pagePermissions(resource.page).filter((permission) => !can(caller.role, permission));
      res
        .status(403)
        .type('html')
        .send(refusal(caller, `The ${resource.page.title} page`, needs));
      return;
    }
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
      res
        .status(503)
        .type('html')
        .send(
          shell(
            'Not built yet',
            '<h1>The dashboards are not built yet</h1><p>Run <code>retailos dashboards build</code> (with the server stopped, or with <code>--api</code> and a key), or <code>POST /dashboards/rebuild</code> with a key holding sql:query, then reload.</p>',
          ),
        );
      return;
    }
    // Hashed assets never change; pages and the data behind them do with every build.
    res.setHeader(
      'Cache-Control',
      /\.[0-9a-f]{8}\.\w+$/.test(resource.file)
        ? 'private, max-age=31536000, immutable'
        : 'private, no-cache',
    );
    res.sendFile(resource.file, { root: dir, dotfiles: 'deny', cacheControl: false }, (error) => {
      if (!error || res.headersSent) return;
      sendProblem(
        req,
        res,
        new HttpError(404, 'not_found', `No dashboards page or file /${sitePath} in this build.`),
      );
    });
  });

  // Exactly /dashboards (routing is not strict about the trailing slash, so match it by hand).
  app.use((req, res, next) => {
    if (req.path === DASHBOARDS_PATH) res.redirect(301, `${DASHBOARDS_PATH}/`);
    else next();
  });
  app.use(DASHBOARDS_PATH, router);
  return sessions;
}

function accepts(req: Request, type: string): boolean {
  return (req.get('accept') ?? '').includes(type);
}
